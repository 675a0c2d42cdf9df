import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../catalog/paths';
import { planOffline } from '../../../cli/plan';
import { customModelPlan } from '../../support/bedrock-custom';

interface PlanJson {
  resource_changes: {
    type: string;
    change: { actions: string[]; after: Record<string, unknown>; after_unknown: Record<string, unknown> };
  }[];
}

describe('the offline plan of an environment serving a Bedrock custom model', () => {
  it('validates and plans dev with the custom model and its account bootstrap, the ARN left to apply', () => {
    const results = planOffline([customModelPlan()], { outDir: join(projectRoot, '.plan', 'jest-bedrock-custom') });
    expect(results.map((r) => r.environment)).toEqual(['dev', 'bootstrap-111111111111']);
    for (const r of results) expect(r.summary).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/);

    const plan = JSON.parse(readFileSync(results[0].planJsonPath, 'utf8')) as PlanJson;
    const of = (type: string) => plan.resource_changes.filter((c) => c.type === type);
    expect(of('aws_bedrock_custom_model').map((c) => c.change.after)).toEqual([
      expect.objectContaining({ customization_type: 'FINE_TUNING', job_name: expect.stringMatching(/^fm-dev-/) }),
    ]);
    const [throughput] = of('aws_bedrock_provisioned_model_throughput');
    expect(throughput.change.after).toMatchObject({
      provisioned_model_name: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
      model_units: 1,
    });
    expect(throughput.change.after_unknown).toMatchObject({ model_arn: true, provisioned_model_arn: true });
    // The routing table's content waits for the ARN: Terraform creates the version once it exists.
    const [version] = of('aws_appconfig_hosted_configuration_version');
    expect(version.change.after_unknown.content).toBe(true);

    // The account's deploy role may manage the new resource types (synth fails for a type it lacks).
    const bootstrap = JSON.parse(readFileSync(results[1].planJsonPath, 'utf8')) as PlanJson;
    const policies = bootstrap.resource_changes
      .filter((c) => c.type === 'aws_iam_policy') // the deploy role's managed policies
      .map((c) => JSON.stringify(c.change.after.policy ?? ''));
    expect(policies.some((p) => p.includes('bedrock:CreateProvisionedModelThroughput'))).toBe(true);
  }, 600_000);
});
