import { RISK_ORDER, diffResources, planResourceChanges, type RiskContext } from '../../audit/resource-changes';
import type { ResourceValues, TerraformPlanJson, Values } from '../../audit/stack-json';

const prod: RiskContext = { tier: 'production', widenedPermissions: [] };
const dev: RiskContext = { tier: 'development', widenedPermissions: [] };

const resources = (...list: [address: string, values: Values][]): Map<string, ResourceValues> =>
  new Map(list.map(([address, values]) => [address, { address, type: address.split('.')[0], values }]));

const policy = (...resource: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: resource }],
  });

describe('diffResources', () => {
  it('infers create, update, replace and delete, and skips what did not change', () => {
    const base = resources(
      ['aws_lambda_function.Router', { memory_size: 512, function_name: 'fm-prod-router', timeout: 30 }],
      ['aws_dynamodb_table.Circuits', { name: 'fm-prod-circuits', billing_mode: 'PAY_PER_REQUEST' }],
      ['aws_sns_topic.Alarms', { name: 'fm-prod-alarms' }],
      ['aws_cloudwatch_metric_alarm.Errors', { threshold: 5 }],
    );
    const head = resources(
      ['aws_lambda_function.Router', { memory_size: 1024, function_name: 'fm-prod-router', timeout: 60 }],
      ['aws_dynamodb_table.Circuits', { name: 'fm-prod-circuits', billing_mode: 'PAY_PER_REQUEST' }],
      ['aws_sns_topic.Alarms', { name: 'fm-prod-alerts' }],
      ['aws_sqs_queue.Dlq', { name: 'fm-prod-dlq' }],
    );
    expect(diffResources(base, head, prod)).toEqual([
      {
        address: 'aws_cloudwatch_metric_alarm.Errors',
        type: 'aws_cloudwatch_metric_alarm',
        action: 'delete',
        attributes: [],
        risk: 'medium',
        reason: 'destroyed',
      },
      {
        address: 'aws_sns_topic.Alarms',
        type: 'aws_sns_topic',
        action: 'replace',
        attributes: ['name'],
        risk: 'medium',
        reason: 'replaced (name)',
      },
      {
        address: 'aws_lambda_function.Router',
        type: 'aws_lambda_function',
        action: 'update',
        attributes: ['memory_size', 'timeout'],
        risk: 'low',
        reason: 'updated (memory_size, timeout)',
      },
      {
        address: 'aws_sqs_queue.Dlq',
        type: 'aws_sqs_queue',
        action: 'create',
        attributes: [],
        risk: 'low',
        reason: 'created',
      },
    ]);
  });

  it('replaces a resource Terraform re-creates on any change, such as an endpoint configuration', () => {
    const base = resources([
      'aws_sagemaker_endpoint_configuration.Support',
      { production_variants: [{ instance_type: 'ml.g5.2xlarge' }] },
    ]);
    const head = resources([
      'aws_sagemaker_endpoint_configuration.Support',
      { production_variants: [{ instance_type: 'ml.g5.4xlarge' }] },
    ]);
    expect(diffResources(base, head, prod)).toEqual([
      expect.objectContaining({
        action: 'replace',
        attributes: ['production_variants'],
        risk: 'medium',
        reason: 'endpoint configuration replaced: blue/green roll-out',
      }),
    ]);
    expect(diffResources(base, head, dev)[0].risk).toBe('low');
  });

  it('replaces an application inference profile on any change but its tags, saying its ARN moves with it', () => {
    const profile = (copyFrom: string, team: string) => ({
      name: 'fm-prod-chat-nova-lite',
      model_source: [{ copy_from: copyFrom }],
      tags: { route: 'chat', team },
    });
    const us = 'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.amazon.nova-lite-v1:0';
    const fm = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0';
    const base = resources(['aws_bedrock_inference_profile.Chat', profile(us, 'a')]);
    expect(diffResources(base, resources(['aws_bedrock_inference_profile.Chat', profile(us, 'b')]), prod)).toEqual([
      expect.objectContaining({ action: 'update', attributes: ['tags'], risk: 'low' }),
    ]);
    expect(diffResources(base, resources(['aws_bedrock_inference_profile.Chat', profile(fm, 'a')]), prod)).toEqual([
      expect.objectContaining({
        action: 'replace',
        attributes: ['model_source'],
        risk: 'medium',
        reason:
          "replaced (model_source): a new ARN, which the AppConfig routing table and the router's and workflows' policies take in the same apply; its tags carry the cost history on",
      }),
    ]);
  });

  it('rates losing state or traffic high', () => {
    const base = resources(
      ['aws_dynamodb_table.Circuits', { name: 'a' }],
      ['aws_sagemaker_endpoint.Support', { endpoint_name: 'fm-prod-support' }],
      ['aws_kms_key.Key', { description: 'k' }],
    );
    const head = resources(
      ['aws_dynamodb_table.Circuits', { name: 'b' }],
      ['aws_sagemaker_endpoint.Support', { endpoint_name: 'fm-prod-support-2' }],
    );
    expect(diffResources(base, head, dev).map((c) => [c.address, c.action, c.risk, c.reason])).toEqual([
      ['aws_dynamodb_table.Circuits', 'replace', 'high', 'dynamodb_table replaced: its data or traffic is lost'],
      ['aws_kms_key.Key', 'delete', 'high', 'kms_key destroyed: its data or traffic is lost'],
      [
        'aws_sagemaker_endpoint.Support',
        'replace',
        'high',
        'endpoint replaced: requests fail until the new one is in service',
      ],
    ]);
  });

  it('rates an updated role policy high when the head grants new resources, and new permissions medium', () => {
    const base = resources(['aws_iam_role_policy.Router_Models', { policy: policy('arn:a') }]);
    const head = resources(
      ['aws_iam_role_policy.Router_Models', { policy: policy('arn:a', 'arn:b') }],
      ['aws_iam_role.Probe', { name: 'fm-prod-probe' }],
    );
    expect(
      diffResources(base, head, { tier: 'staging', widenedPermissions: ['arn:b'] }).map((c) => [
        c.address,
        c.action,
        c.risk,
        c.reason,
      ]),
    ).toEqual([
      ['aws_iam_role_policy.Router_Models', 'update', 'high', 'permission widened: 1 new resource granted'],
      ['aws_iam_role.Probe', 'create', 'medium', 'new permissions'],
    ]);
    expect(diffResources(base, head, { tier: 'staging', widenedPermissions: [] })[1]).toMatchObject({
      address: 'aws_iam_role_policy.Router_Models',
      risk: 'low',
      reason: 'permissions changed',
    });
  });

  it('rates a new routing table high in production and medium elsewhere', () => {
    const base = resources(['aws_appconfig_hosted_configuration_version.Table', { content: '{"v":1}' }]);
    const head = resources(['aws_appconfig_hosted_configuration_version.Table', { content: '{"v":2}' }]);
    expect(diffResources(base, head, prod)).toEqual([
      expect.objectContaining({
        action: 'replace',
        risk: 'high',
        reason: 'production routing table changed: AppConfig rolls it out with alarm rollback',
      }),
    ]);
    expect(diffResources(base, head, dev)).toEqual([
      expect.objectContaining({
        action: 'replace',
        risk: 'medium',
        reason: 'routing table changed: AppConfig rolls it out with alarm rollback',
      }),
    ]);
  });

  it('finds nothing between a configuration and itself', () => {
    const same = resources(['aws_lambda_function.Router', { memory_size: 512 }]);
    expect(diffResources(same, resources(['aws_lambda_function.Router', { memory_size: 512 }]), prod)).toEqual([]);
  });
});

describe('planResourceChanges', () => {
  const change = (
    address: string,
    actions: string[],
    before: Values | null,
    after: Values | null,
    mode = 'managed',
  ) => ({ address, type: address.split('.')[0], mode, change: { actions, before, after } });

  it("takes Terraform's own actions, skipping no-ops, reads and data sources", () => {
    const plan: TerraformPlanJson = {
      format_version: '1.2',
      resource_changes: [
        change('aws_sns_topic.Alarms', ['delete', 'create'], { name: 'a' }, { name: 'b' }),
        change(
          'aws_sqs_queue.Dlq',
          ['create', 'delete'],
          { name: 'a', delay_seconds: 0 },
          { name: 'a', delay_seconds: 5 },
        ),
        change(
          'aws_lambda_function.Router',
          ['update'],
          { timeout: 30, memory_size: 512 },
          { timeout: 60, memory_size: 512 },
        ),
        change('aws_cloudwatch_metric_alarm.Errors', ['no-op'], { threshold: 5 }, { threshold: 5 }),
        change('aws_iam_policy_document.Doc', ['read'], null, { json: '{}' }, 'data'),
        change('aws_s3_bucket.Logs', ['create'], null, { bucket: 'logs' }),
        change('aws_sns_topic.Old', ['delete'], { name: 'old' }, null),
      ],
    };
    expect(planResourceChanges(plan, dev).map((c) => [c.address, c.action, c.attributes, c.risk])).toEqual([
      ['aws_sns_topic.Alarms', 'replace', ['name'], 'medium'],
      ['aws_sns_topic.Old', 'delete', [], 'medium'],
      ['aws_sqs_queue.Dlq', 'replace', ['delay_seconds'], 'medium'],
      ['aws_lambda_function.Router', 'update', ['timeout'], 'low'],
      ['aws_s3_bucket.Logs', 'create', [], 'low'],
    ]);
  });

  it("counts what an updated role policy newly grants from the plan's own before and after", () => {
    const plan: TerraformPlanJson = {
      format_version: '1.2',
      resource_changes: [
        change(
          'aws_iam_role_policy.Router_Models',
          ['update'],
          { policy: policy('arn:a') },
          { policy: policy('arn:a', 'arn:b', 'arn:c') },
        ),
        change('aws_iam_role_policy.Probe', ['update'], { policy: policy('arn:a') }, { policy: 'not json' }),
      ],
    };
    // The context's widened list is ignored for updates: the plan says exactly what is new.
    const changes = planResourceChanges(plan, { tier: 'production', widenedPermissions: ['arn:z'] });
    expect(changes.map((c) => [c.address, c.risk, c.reason])).toEqual([
      ['aws_iam_role_policy.Router_Models', 'high', 'permission widened: 2 new resources granted'],
      ['aws_iam_role_policy.Probe', 'low', 'permissions changed'],
    ]);
  });

  it('reads a plan without resource changes as none', () => {
    expect(planResourceChanges({ format_version: '1.2' }, prod)).toEqual([]);
  });
});

describe('RISK_ORDER', () => {
  it('puts high before medium before low', () => {
    expect((['low', 'high', 'medium'] as const).slice().sort((a, b) => RISK_ORDER[a] - RISK_ORDER[b])).toEqual([
      'high',
      'medium',
      'low',
    ]);
  });
});
