import { Testing, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { PlannedModelOn } from '../../../catalog';
import { sagemakerProvisioner } from '../../../hosting/sagemaker/provision';
import { parseSynth, planFor, policyStatements, resourcesOf } from '../../stacks/synth-environment';

describe('the sagemaker provisioner', () => {
  it('makes the platform-namespaced registry group and an endpoint per model, and lets the router invoke only those endpoints', () => {
    const plan = planFor('prod');
    const models = plan.models.filter((m): m is PlannedModelOn<'sagemaker'> => m.hosting.type === 'sagemaker');
    let provisioned: ReturnType<typeof sagemakerProvisioner.provision> | undefined;
    const stack = parseSynth(
      Testing.synthScope((scope) => {
        provisioned = sagemakerProvisioner.provision(scope, models, {
          plan,
          kmsKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/k',
          routerRole: { name: 'router', arn: 'arn:aws:iam::333333333333:role/router' },
          regionProviders: new Map([
            ['us-west-2', new AwsProvider(scope, 'dr', { alias: 'us-west-2', region: 'us-west-2' })],
          ]),
        });
      }),
    );
    expect(resourcesOf(stack, 'aws_sagemaker_model_package_group')).toEqual([
      expect.objectContaining({ model_package_group_name: 'fm-llama-3-8b-support-lora' }),
    ]);
    // prod's model runs in us-east-1 and, through the DR Region's provider alias, in us-west-2.
    expect(
      resourcesOf(stack, 'aws_sagemaker_endpoint')
        .map((e) => `${e.name as string} ${(e.provider as string | undefined) ?? 'aws'}`)
        .sort(),
    ).toEqual(['fm-prod-llama-3-8b-support-lora aws', 'fm-prod-llama-3-8b-support-lora-dr aws.us-west-2']);
    const invoke = policyStatements(stack).filter((s) => s.actions.includes('sagemaker:InvokeEndpoint'));
    expect(invoke.flatMap((s) => s.resources).sort()).toEqual([
      expect.stringMatching(
        /^\$\{aws_sagemaker_endpoint\.DisasterRecovery-us-west-2_Endpoint-llama-3-8b-support-lora_[0-9A-F]+\.arn\}$/,
      ),
      expect.stringMatching(/^\$\{aws_sagemaker_endpoint\.Endpoint-llama-3-8b-support-lora_[0-9A-F]+\.arn\}$/),
    ]);
    expect(provisioned?.dashboardEndpointNames).toEqual(['fm-prod-llama-3-8b-support-lora']);
    // The output lists the endpoint resource's name attribute (a token until synthesis).
    const names = provisioned?.outputs.sagemaker_endpoint_names ?? [];
    expect(names).toHaveLength(1);
    expect(names.every((n) => Token.isUnresolved(n))).toBe(true);
  });

  it('creates nothing, and still declares its output, for an environment without SageMaker models', () => {
    const plan = planFor('dev');
    let provisioned: ReturnType<typeof sagemakerProvisioner.provision> | undefined;
    const stack = parseSynth(
      Testing.synthScope(
        (scope) =>
          void (provisioned = sagemakerProvisioner.provision(scope, [], {
            plan,
            kmsKeyArn: 'k',
            routerRole: { name: 'router', arn: 'arn:aws:iam::111111111111:role/router' },
          })),
      ),
    );
    expect(stack.resource).toEqual({});
    expect(provisioned).toEqual({
      outputs: { sagemaker_endpoint_names: [] },
      dashboardEndpointNames: [],
      logGroupNames: [],
    });
  });
});
