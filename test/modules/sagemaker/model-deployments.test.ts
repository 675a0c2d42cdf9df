import type { EnvironmentPlan } from '../../../catalog';
import { policyStatements, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';

/** Staging following the registry's approvals, as dev would if it had an endpoint. */
const followingApprovals = (plan: EnvironmentPlan): EnvironmentPlan => ({
  ...plan,
  models: plan.models.map((m) =>
    m.hosting.type === 'sagemaker' && m.hosting.modelRegistry !== undefined
      ? { ...m, hosting: { ...m.hosting, modelRegistry: { ...m.hosting.modelRegistry, version: 'latest-approved' } } }
      : m,
  ),
});

const ENDPOINT = 'fm-prod-llama-3-8b-support-lora';
const MACHINE = 'fm-prod-deploy-llama-3-8b-support-lora';

describe('ModelDeployments', () => {
  const prod = synthEnvironment('prod');

  it('gives each registry-driven model a Standard workflow that logs and traces, and an alarm on failed roll-outs', () => {
    const [machine] = resourcesOf(prod, 'aws_sfn_state_machine').filter((m) => m.name === MACHINE);
    expect(machine).toMatchObject({
      type: 'STANDARD',
      tracing_configuration: { enabled: true },
      logging_configuration: { level: 'ALL' },
    });
    const definition = JSON.parse(String(machine.definition)) as { States: Record<string, { Resource?: string }> };
    expect(definition.States.UpdateEndpoint.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:updateEndpoint');
    const group = resourcesOf(prod, 'aws_cloudwatch_log_group').find(
      (g) => g.name === '/aws/vendedlogs/states/fm-prod-deployments',
    );
    expect(group).toMatchObject({ retention_in_days: expect.any(Number) as unknown });
    expect(group?.kms_key_id).toBeDefined();
    expect(resourcesOf(prod, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name)).toContain(
      `${MACHINE}-executions-failed`,
    );
    const table = resourcesOf(prod, 'aws_dynamodb_table').find((t) => t.name === 'fm-prod-deployments');
    expect(table).toMatchObject({
      hash_key: 'model',
      range_key: 'at',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  it("copies Terraform's variant and roll-out into the workflow's configuration and update", () => {
    const [machine] = resourcesOf(prod, 'aws_sfn_state_machine').filter((m) => m.name === MACHINE);
    const states = (JSON.parse(String(machine.definition)) as { States: Record<string, { Parameters: never }> }).States;
    const config = states.CreateEndpointConfig.Parameters as { ProductionVariants: Record<string, unknown>[] };
    const tfConfig = resourcesOf(prod, 'aws_sagemaker_endpoint_configuration').find(
      (c) => c.provider === undefined,
    ) as { production_variants: Record<string, unknown>[] };
    const tf = tfConfig.production_variants[0];
    expect(config.ProductionVariants[0]).toMatchObject({
      VariantName: tf.variant_name,
      InstanceType: tf.instance_type,
      InitialInstanceCount: tf.initial_instance_count,
      InitialVariantWeight: tf.initial_variant_weight,
    });
    // Neither configures data capture (prompts would land in S3); ml.g5 takes no volume key.
    expect(tfConfig).not.toHaveProperty('data_capture_config');
    expect(config).not.toHaveProperty('DataCaptureConfig');
    expect(config).not.toHaveProperty('KmsKeyId');
    const endpoint = resourcesOf(prod, 'aws_sagemaker_endpoint').find((e) => e.name === ENDPOINT) as {
      deployment_config: {
        blue_green_update_policy: {
          traffic_routing_configuration: {
            type: string;
            canary_size: { value: number };
            wait_interval_in_seconds: number;
          };
          maximum_execution_timeout_in_seconds: number;
          termination_wait_in_seconds: number;
        };
        auto_rollback_configuration: { alarms: { alarm_name: string }[] };
      };
    };
    const bg = endpoint.deployment_config.blue_green_update_policy;
    // Terraform refers to its alarms; the workflow names them: the same alarms.
    const resolveAlarmName = (ref: string) => {
      const id = /^\$\{aws_cloudwatch_metric_alarm\.([^.]+)\.alarm_name\}$/.exec(ref)?.[1] ?? '';
      return prod.resource.aws_cloudwatch_metric_alarm[id]?.alarm_name;
    };
    const update = states.UpdateEndpoint.Parameters as { DeploymentConfig: unknown };
    expect(update.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: bg.traffic_routing_configuration.type,
          CanarySize: { Type: 'CAPACITY_PERCENT', Value: bg.traffic_routing_configuration.canary_size.value },
          WaitIntervalInSeconds: bg.traffic_routing_configuration.wait_interval_in_seconds,
        },
        MaximumExecutionTimeoutInSeconds: bg.maximum_execution_timeout_in_seconds,
        TerminationWaitInSeconds: bg.termination_wait_in_seconds,
      },
      AutoRollbackConfiguration: {
        Alarms: endpoint.deployment_config.auto_rollback_configuration.alarms.map((a) => ({
          AlarmName: resolveAlarmName(a.alarm_name),
        })),
      },
    });
  });

  it("limits the workflow's role to its own model's resources, and passes only the execution role, only to SageMaker", () => {
    const statements = policyStatements(prod).filter((s) => s.document.includes('Policy-llama-3-8b-support-lora'));
    const by = (sid: string) => statements.find((s) => s.sid === sid);
    const arn = (type: string, name: string) => `arn:aws:sagemaker:us-east-1:333333333333:${type}/${name}`;
    expect(by('ReadVersions')?.resources).toEqual([arn('model-package', 'fm-llama-3-8b-support-lora/*')]);
    expect(by('CreateVersionModel')?.resources).toEqual([arn('model', `${ENDPOINT}-v*`)]);
    expect(by('CreateVersionConfig')?.resources).toEqual([arn('endpoint-config', `${ENDPOINT}-v*`)]);
    expect(by('UpdateEndpoint')?.actions).toEqual(['sagemaker:UpdateEndpoint']);
    expect(by('UpdateEndpoint')?.resources).toHaveLength(2);
    expect(by('PassExecutionRole')).toMatchObject({
      actions: ['iam:PassRole'],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    });
    expect(by('PassExecutionRole')?.resources).toHaveLength(1);
    expect(by('ReadRollbackAlarms')?.resources).toEqual([
      `arn:aws:cloudwatch:us-east-1:333333333333:alarm:${ENDPOINT}-5xx`,
      `arn:aws:cloudwatch:us-east-1:333333333333:alarm:${ENDPOINT}-model-latency-p99`,
    ]);
    expect(by('RecordOutcome')?.condition).toEqual([
      { test: 'ForAllValues:StringEquals', variable: 'dynamodb:LeadingKeys', values: ['llama-3-8b-support-lora'] },
    ]);
    // The only patterns: the group's versions, and the names the pipeline creates or Terraform made, all
    // anchored to this model's group and endpoint.
    const patterns = statements
      .filter((s) => s.actions.some((a) => a.startsWith('sagemaker:')))
      .flatMap((s) => s.resources.filter((r) => r.includes('*')));
    expect([...new Set(patterns)].sort()).toEqual(
      [
        arn('model-package', 'fm-llama-3-8b-support-lora/*'),
        arn('model', `${ENDPOINT}-v*`),
        arn('model', `${ENDPOINT}-*`),
        arn('endpoint-config', `${ENDPOINT}-v*`),
        arn('endpoint-config', `${ENDPOINT}-*`),
      ].sort(),
    );
    // No SageMaker delete, no wildcard resource outside the log-delivery and tracing APIs that have none.
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.filter((a) => /^sagemaker:Delete/.test(a))).toEqual([]);
    expect(statements.filter((s) => s.resources.includes('*')).map((s) => s.sid)).toEqual(['LogDelivery', 'Tracing']);
  });

  it("gives prod's DR endpoint a DR phase: a function that may touch only that endpoint's resources in us-west-2", () => {
    const DR = `${ENDPOINT}-dr`;
    const fn = resourcesOf(prod, 'aws_lambda_function').find((f) => f.function_name === `${MACHINE}-dr`);
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', timeout: 60 });
    expect(fn?.kms_key_arn).toBeDefined();
    const env = (fn?.environment as { variables: Record<string, string> }).variables;
    expect(JSON.parse(env.FM_DR_DEPLOY)).toEqual({
      region: 'us-west-2',
      packageArnPrefix: 'arn:aws:sagemaker:us-east-1:333333333333:model-package/fm-llama-3-8b-support-lora/',
      artifacts: expect.arrayContaining([
        {
          source: 's3://fm-platform-model-artifacts-333333333333/llama-3-1-8b-instruct/',
          replica: 's3://fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/',
        },
      ]) as unknown,
    });
    const logs = resourcesOf(prod, 'aws_cloudwatch_log_group').find((g) => g.name === `/aws/lambda/${MACHINE}-dr`);
    expect(logs?.kms_key_id).toBeDefined();
    expect(logs?.retention_in_days).toEqual(expect.any(Number));

    const statements = policyStatements(prod).filter((s) => s.document.includes('Dr-llama-3-8b-support-lora-Policy'));
    const by = (sid: string) => statements.find((s) => s.sid === sid);
    const west = (type: string, name: string) => `arn:aws:sagemaker:us-west-2:333333333333:${type}/${name}`;
    expect(by('ReadVersions')?.resources).toEqual([
      'arn:aws:sagemaker:us-east-1:333333333333:model-package/fm-llama-3-8b-support-lora/*',
    ]);
    expect(by('CreateVersionModel')?.resources).toEqual([west('model', `${DR}-v*`)]);
    expect(by('CreateVersionConfig')?.resources).toEqual([west('endpoint-config', `${DR}-v*`)]);
    expect(by('ReadRollbackAlarms')?.resources).toEqual([
      `arn:aws:cloudwatch:us-west-2:333333333333:alarm:${DR}-5xx`,
      `arn:aws:cloudwatch:us-west-2:333333333333:alarm:${DR}-model-latency-p99`,
    ]);
    expect(by('PassExecutionRole')?.resources).toHaveLength(1);
    expect(by('ReadWeightsStatus')?.resources.sort()).toEqual(
      expect.arrayContaining([
        'arn:aws:s3:::fm-platform-model-artifacts-333333333333/llama-3-1-8b-instruct/*',
        'arn:aws:s3:::fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/*',
      ]),
    );
    const sagemakerPatterns = statements
      .filter((s) => s.actions.some((a) => a.startsWith('sagemaker:')) && s.sid !== 'ReadVersions')
      .flatMap((s) => s.resources);
    expect(sagemakerPatterns.every((r) => r.startsWith('arn:aws:sagemaker:us-west-2:') || r.startsWith('${'))).toBe(
      true,
    );
    expect(statements.flatMap((s) => s.actions).filter((a) => /^sagemaker:Delete/.test(a))).toEqual([]);
    expect(statements.filter((s) => s.resources.includes('*'))).toEqual([]);

    // The pipeline may invoke exactly that function; its DR phase calls it for every step.
    const invoke = policyStatements(prod).find((s) => s.sid === 'DisasterRecoveryCalls');
    expect(invoke).toMatchObject({ actions: ['lambda:InvokeFunction'] });
    expect(invoke?.resources).toHaveLength(1);
    const [machine] = resourcesOf(prod, 'aws_sfn_state_machine').filter((m) => m.name === MACHINE);
    const states = (JSON.parse(String(machine.definition)) as { States: Record<string, { Resource?: string }> }).States;
    expect(states.DrUpdateEndpoint.Resource).toBe('arn:aws:states:::lambda:invoke');
    // Terraform creates the DR endpoint once and leaves its configuration to the pipeline, as the primary's.
    const drEndpoint = resourcesOf(prod, 'aws_sagemaker_endpoint').find((e) => e.name === DR);
    expect(drEndpoint?.lifecycle).toEqual({ ignore_changes: ['endpoint_config_name', 'deployment_config'] });
  });

  it('starts no workflow on registry approvals where the environment pins its version', () => {
    expect(resourcesOf(prod, 'aws_cloudwatch_event_rule')).toEqual([]);
    expect(resourcesOf(synthEnvironment('staging'), 'aws_cloudwatch_event_rule')).toEqual([]);
  });

  it("starts it on every approval in the model's group where the environment follows latest-approved", () => {
    const stack = synthEnvironment('staging', followingApprovals);
    const [rule] = resourcesOf(stack, 'aws_cloudwatch_event_rule');
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      detail: { ModelPackageGroupName: ['fm-llama-3-8b-support-lora'], ModelApprovalStatus: ['Approved'] },
    });
    const [target] = resourcesOf(stack, 'aws_cloudwatch_event_target');
    expect(target.input_transformer).toEqual({
      input_paths: { packageArn: '$.detail.ModelPackageArn' },
      input_template: '{"modelPackageArn": <packageArn>, "trigger": "approval"}',
    });
    const start = policyStatements(stack).find((s) => s.sid === 'StartDeployment');
    expect(start?.actions).toEqual(['states:StartExecution']);
    expect(start?.resources).toHaveLength(1);
  });

  it('a pin bump changes only what Terraform ignores: the plan shows no change, promote rolls it out', () => {
    const pinned =
      (version: number) =>
      (plan: EnvironmentPlan): EnvironmentPlan => ({
        ...plan,
        models: plan.models.map((m) =>
          m.hosting.type === 'sagemaker' && m.hosting.modelRegistry !== undefined
            ? {
                ...m,
                hosting: {
                  ...m.hosting,
                  modelRegistry: {
                    ...m.hosting.modelRegistry,
                    version,
                    initialVersion: version,
                    initialPackageArn: m.hosting.modelRegistry.initialPackageArn.replace(/\/\d+$/, `/${version}`),
                  },
                },
              }
            : m,
        ),
      });
    const paths = (a: unknown, b: unknown, at: string[] = []): string[][] => {
      if (JSON.stringify(a) === JSON.stringify(b)) return [];
      if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return [at];
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return [...keys].flatMap((k) =>
        paths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...at, k]),
      );
    };
    const three = synthEnvironment('prod', pinned(3));
    const four = synthEnvironment('prod', pinned(4));
    const changed = paths(three.resource, four.resource);
    expect(changed.length).toBeGreaterThan(0);
    // Only the primary model and configuration differ (their names and the package), both `ignore_changes = all`.
    for (const [type, id] of changed) {
      expect(['aws_sagemaker_model', 'aws_sagemaker_endpoint_configuration']).toContain(type);
      expect(three.resource[type][id].lifecycle).toMatchObject({ ignore_changes: 'all' });
    }
  });

  it('gives dev, which runs no endpoint, no pipeline', () => {
    const dev = synthEnvironment('dev');
    expect(resourcesOf(dev, 'aws_sfn_state_machine').map((m) => m.type)).not.toContain('STANDARD');
    expect(resourcesOf(dev, 'aws_dynamodb_table').map((t) => t.name)).not.toContain('fm-dev-deployments');
  });
});
