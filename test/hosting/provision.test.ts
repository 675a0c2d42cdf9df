import { Testing } from 'cdktf';
import { provisionHosting, type Provisioned } from '../../hosting/provision';
import { parseSynth, planFor, resourcesOf } from '../stacks/synth-environment';

describe('provisionHosting', () => {
  it("provisions every kind of the plan's models and gathers their outputs and dashboard endpoints", () => {
    const plan = planFor('staging');
    let provisioned: Provisioned | undefined;
    const stack = parseSynth(
      Testing.synthScope((scope) => {
        provisioned = provisionHosting(scope, {
          plan,
          kmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/k',
          routerRole: { name: 'router', arn: 'arn:aws:iam::222222222222:role/router' },
        });
      }),
    );
    expect(resourcesOf(stack, 'aws_iam_role_policy').map((p) => p.name)).toEqual(
      expect.arrayContaining(['bedrock-models', 'invoke-Endpoint-llama-3-8b-support-lora']),
    );
    expect(resourcesOf(stack, 'aws_sagemaker_endpoint')).toHaveLength(1);
    expect(Object.keys(provisioned?.outputs ?? {})).toEqual([
      'sagemaker_endpoint_names',
      'sagemaker_deployment_state_machine_arns',
      'sagemaker_deployment_table_name',
    ]);
    expect(provisioned?.dashboardEndpointNames).toEqual(['fm-staging-llama-3-8b-support-lora']);
  });
});
