import { renderMarkdown } from '../../../audit/markdown';
import { modelAccessOf, wildcardInvokeResources } from '../../../audit/permissions';
import { runAudit } from '../../../audit/run';
import type { IamStatement } from '../../../audit/stack-json';
import { tempProject } from '../../support/project';
import { CUSTOM_MODEL_ID, withCustomModel } from '../../support/bedrock-custom';

const statement = (resources: string[]): IamStatement => ({
  role: 'aws_iam_role.Router_Role',
  policy: 'aws_iam_role_policy.Router_Invoke',
  effect: 'Allow',
  actions: ['bedrock:InvokeModel'],
  resources,
  conditions: [],
});

describe('the audit of an environment serving a Bedrock custom model', () => {
  const { catalogPath, environmentsDir } = tempProject((c, e) => withCustomModel(c, e));
  const report = runAudit({ only: ['dev'], catalogPath, environmentsDir, today: '2026-11-29' });
  const dev = report.environments[0];

  it('passes its gates and shows the router may invoke the one provisioned model, as the reference apply resolves', () => {
    expect(report.passed).toBe(true);
    const provisioned = dev.modelAccess.filter((a) => a.kind === 'provisioned-model');
    expect(provisioned).toEqual([
      expect.objectContaining({
        roleName: 'fm-dev-router-role',
        resource: expect.stringMatching(
          /^\$\{aws_bedrock_provisioned_model_throughput\.CustomModel-nova-lite-support-ft_Throughput_\w+\.provisioned_model_arn\}$/,
        ),
      }),
    ]);
  });

  it('costs the throughput by model-unit hours in the monthly estimate and the report', () => {
    expect(dev.cost.endpoints).toContainEqual(
      expect.objectContaining({
        model: CUSTOM_MODEL_ID,
        endpointName: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
        monthlyUsd: 14600,
      }),
    );
    const md = renderMarkdown(report);
    expect(md).toMatch(
      /\| endpoint fm-dev-nova-lite-support-ft-[0-9a-f]{8} \| nova-lite-support-ft \| — \| 1 model unit, no commitment \| \$14,600\.00 \|/,
    );
    expect(md).toContain('Provisioned Throughput, 1 model unit, no commitment');
  });

  it('counts a grant on every provisioned or custom model as a wildcard invocation', () => {
    expect(
      wildcardInvokeResources(
        statement([
          'arn:aws:bedrock:us-east-1:111111111111:provisioned-model/*',
          'arn:aws:bedrock:us-east-1:111111111111:custom-model/*',
          'arn:aws:bedrock:us-east-1:111111111111:provisioned-model/a1b2c3d4e5f6',
        ]),
      ),
    ).toEqual([
      'arn:aws:bedrock:us-east-1:111111111111:provisioned-model/*',
      'arn:aws:bedrock:us-east-1:111111111111:custom-model/*',
    ]);
    expect(
      modelAccessOf([statement(['arn:aws:bedrock:us-east-1:111111111111:provisioned-model/a1b2c3d4e5f6'])]).map((a) => [
        a.kind,
        a.region,
      ]),
    ).toEqual([['provisioned-model', 'us-east-1']]);
  });
});
