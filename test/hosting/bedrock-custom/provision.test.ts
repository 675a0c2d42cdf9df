import { App, Testing, type TerraformStack } from 'cdktf';
import { ROUTER_OPTIONAL_ENV } from '../../../contracts/router-env';
import { addStacks } from '../../../stacks/app';
import { PlatformStack } from '../../../stacks/platform-stack';
import { parseSynth, policyStatements, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';
import { CUSTOM_MODEL_ID, customModelIn, customModelPlan } from '../../support/bedrock-custom';

const THROUGHPUT_ARN =
  /^\$\{aws_bedrock_provisioned_model_throughput\.CustomModel-nova-lite-support-ft_Throughput_\w+\.provisioned_model_arn\}$/;

function synthPlan() {
  const plan = customModelPlan();
  const app: App = Testing.app();
  return parseSynth(Testing.synth(new PlatformStack(app, plan.name, { plan })));
}

describe('the Bedrock custom model in a stack', () => {
  const stack = synthPlan();

  it('creates the customization job, its service role and the Provisioned Throughput', () => {
    expect(resourcesOf(stack, 'aws_bedrock_custom_model')).toEqual([
      expect.objectContaining({
        job_name: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
        base_model_identifier: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k',
      }),
    ]);
    expect(resourcesOf(stack, 'aws_bedrock_provisioned_model_throughput')).toEqual([
      expect.objectContaining({
        provisioned_model_name: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
        model_units: 1,
      }),
    ]);
    expect(resourcesOf(stack, 'aws_iam_role').map((r) => r.name)).toContain(
      'fm-dev-nova-lite-support-ft-customization',
    );
    expect(stack.output.bedrock_provisioned_model_arns).toEqual({
      value: [expect.stringMatching(THROUGHPUT_ARN)],
    });
  });

  it('deploys to AppConfig a routing table whose custom-model target is the provisioned model ARN, as a Terraform reference', () => {
    const [version] = resourcesOf(stack, 'aws_appconfig_hosted_configuration_version');
    const table = JSON.parse(String(version.content)) as {
      models: Record<string, { hosting: string; targets: { region: string; id: string }[] }>;
    };
    expect(table.models[CUSTOM_MODEL_ID]).toMatchObject({
      hosting: 'bedrock',
      targets: [{ region: 'us-east-1', id: expect.stringMatching(THROUGHPUT_ARN) }],
    });
    // Every other model keeps the plan's own targets.
    expect(table.models['nova-micro'].targets[0].id).toBe('us.amazon.nova-micro-v1:0');
  });

  it('hands both router functions the same ARN for their baked copy, which holds only the name', () => {
    const functions = resourcesOf(stack, 'aws_lambda_function');
    expect(functions.map((f) => f.function_name).sort()).toEqual([
      'fm-dev-authorizer',
      'fm-dev-router',
      'fm-dev-router-stream',
    ]);
    for (const f of functions.filter((x) => String(x.function_name).startsWith('fm-dev-router'))) {
      const vars = (f.environment as { variables: Record<string, string> }).variables;
      expect(JSON.parse(vars[ROUTER_OPTIONAL_ENV.deployedTargets])).toEqual({
        [CUSTOM_MODEL_ID]: [{ region: 'us-east-1', id: expect.stringMatching(THROUGHPUT_ARN) }],
      });
    }
  });

  it('lets the router invoke that provisioned model ARN and no other Bedrock custom resource', () => {
    const invoke = policyStatements(stack).filter((s) => s.sid === 'InvokeProvisionedModel');
    expect(invoke).toHaveLength(1);
    expect(invoke[0].resources).toEqual([expect.stringMatching(THROUGHPUT_ARN)]);
    const everything = policyStatements(stack).flatMap((s) => s.resources);
    expect(everything.filter((r) => /provisioned-model|custom-model/.test(r))).toEqual([]);
  });

  it('leaves an environment without custom models as it was: no deployed targets, no throughput output', () => {
    const dev = synthEnvironment('dev');
    for (const f of resourcesOf(dev, 'aws_lambda_function'))
      expect((f.environment as { variables: Record<string, string> }).variables).not.toHaveProperty(
        ROUTER_OPTIONAL_ENV.deployedTargets,
      );
    expect(dev.output).not.toHaveProperty('bedrock_provisioned_model_arns');
    expect(resourcesOf(dev, 'aws_bedrock_provisioned_model_throughput')).toEqual([]);
  });
});

describe('the account bootstrap of an environment training a Bedrock custom model', () => {
  type Doc = { sid?: string; effect?: string; actions: string[]; condition?: { values: string[] }[] };
  const bucketPolicy = (plan: ReturnType<typeof customModelPlan>): Doc[] => {
    const app = Testing.app();
    addStacks(app, [plan]);
    const stack = parseSynth(Testing.synth(app.node.findChild('bootstrap-111111111111') as TerraformStack));
    const [doc] = Object.entries(stack.data.aws_iam_policy_document ?? {})
      .filter(([id]) => id.includes('ModelArtifacts_PolicyDocument'))
      .map(([, d]) => d.statement as Doc[]);
    return doc;
  };

  it("lets the customization role read training data kept in the account's artifacts bucket, which denies every other reader", () => {
    const plan = customModelPlan('dev', (c) => {
      const h = customModelIn(c).hosting;
      if (h.type === 'bedrock-custom' && h.customization)
        h.customization.trainingDataS3Uri = 's3://fm-platform-model-artifacts-111111111111/training/support.jsonl';
    });
    const role = 'arn:aws:iam::111111111111:role/fm-dev-nova-lite-support-ft-customization';
    const policy = bucketPolicy(plan);
    expect(policy.find((s) => s.sid === 'OnlyExecutionRolesRead')).toMatchObject({
      effect: 'Deny',
      condition: [expect.objectContaining({ values: [role] })],
    });
    // With its data elsewhere, the bucket keeps denying every read, as for dev today.
    expect(bucketPolicy(customModelPlan()).find((s) => s.sid === 'NoReaders')).toMatchObject({ effect: 'Deny' });
  });
});
