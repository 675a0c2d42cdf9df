import { Testing, TerraformStack } from 'cdktf';
import { ResilienceWorkflows, type ResilienceWorkflowsProps } from '../../../modules/workflows/resilience-workflows';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface Synth {
  resource: Resources;
  data: Resources;
}

const haiku = {
  profileArn: 'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
  foundationModelArns: [
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
  ],
};
const mistral = {
  foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0'],
};
const base: ResilienceWorkflowsProps = {
  namePrefix: 'fm-prod',
  account: '333333333333',
  region: 'us-east-1',
  routes: [
    {
      routeId: 'chat',
      definitionJson: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
      bedrockInvocations: [haiku, mistral],
      invokesRouter: false,
    },
    {
      routeId: 'support',
      definitionJson: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
      bedrockInvocations: [haiku],
      invokesRouter: true,
    },
  ],
  recovery: { definitionJson: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}', bedrockInvocations: [haiku] },
  circuitTableArn: 'arn:aws:dynamodb:us-east-1:333333333333:table/fm-prod-circuits',
  routerFunctionArn: 'arn:aws:lambda:us-east-1:333333333333:function:fm-prod-router',
  kmsKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/k',
  logRetentionDays: 365,
};

function synth(props: ResilienceWorkflowsProps = base): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new ResilienceWorkflows(stack, 'Workflows', props);
  return JSON.parse(Testing.synth(stack)) as Synth;
}

const policyOf = (s: Synth, key: string) => {
  const doc = Object.entries(s.data.aws_iam_policy_document).find(([id]) =>
    id.includes(`Policy-${key}_Document`),
  )?.[1] as { statement: { sid: string; actions: string[]; resources: string[] }[] };
  return doc.statement;
};

describe('ResilienceWorkflows', () => {
  it('creates an express state machine per route and for recovery, logging to an encrypted log group, tracing on', () => {
    const s = synth();
    const machines = Object.values(s.resource.aws_sfn_state_machine);
    expect(machines.map((m) => [m.name, m.type]).sort()).toEqual([
      ['fm-prod-circuit-recovery', 'EXPRESS'],
      ['fm-prod-route-chat', 'EXPRESS'],
      ['fm-prod-route-support', 'EXPRESS'],
    ]);
    for (const m of machines) {
      expect(m.tracing_configuration).toEqual({ enabled: true });
      expect(m.logging_configuration).toMatchObject({ include_execution_data: false, level: 'ALL' });
      expect(String((m.logging_configuration as { log_destination: string }).log_destination)).toMatch(
        /aws_cloudwatch_log_group\..*\.arn\}:\*$/,
      );
    }
    expect(Object.values(s.resource.aws_cloudwatch_log_group)[0]).toMatchObject({
      retention_in_days: 365,
      kms_key_id: base.kmsKeyArn,
    });
  });

  it('keeps its logs 30 days unless told otherwise', () => {
    expect(
      Object.values(synth({ ...base, logRetentionDays: undefined }).resource.aws_cloudwatch_log_group)[0],
    ).toMatchObject({ retention_in_days: 30 });
  });

  it('logs execution data only when asked to', () => {
    const s = synth({ ...base, includeExecutionData: true });
    for (const m of Object.values(s.resource.aws_sfn_state_machine))
      expect(m.logging_configuration).toMatchObject({ include_execution_data: true });
  });

  it('allows each route exactly its models, the router only where needed, and the circuit table', () => {
    const s = synth();
    const chat = policyOf(s, 'chat');
    const bedrock = chat.filter((x) => x.actions.some((a) => a.startsWith('bedrock:')));
    expect(bedrock.flatMap((x) => x.actions)).toEqual(expect.arrayContaining(['bedrock:InvokeModel']));
    expect(bedrock.flatMap((x) => x.actions).every((a) => a === 'bedrock:InvokeModel')).toBe(true);
    expect(bedrock.flatMap((x) => x.resources).sort()).toEqual(
      [haiku.profileArn, ...haiku.foundationModelArns, ...mistral.foundationModelArns].sort(),
    );
    expect(chat.some((x) => x.actions.includes('lambda:InvokeFunction'))).toBe(false);
    expect(policyOf(s, 'support').find((x) => x.sid === 'InvokeRouter')).toMatchObject({
      actions: ['lambda:InvokeFunction'],
      resources: [base.routerFunctionArn],
    });
    expect(chat.find((x) => x.sid === 'CircuitItems')).toMatchObject({
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [base.circuitTableArn],
    });
  });

  it('never allows a wildcard resource for bedrock, dynamodb or lambda actions', () => {
    const s = synth();
    for (const key of ['chat', 'support', 'recovery']) {
      for (const st of policyOf(s, key)) {
        if (st.actions.some((a) => /^(bedrock|dynamodb|lambda):/.test(a)))
          expect(st.resources.some((r) => r.includes('*'))).toBe(false);
      }
    }
  });

  it('runs recovery on a schedule whose role may only start the recovery state machine', () => {
    const s = synth();
    const schedule = Object.values(s.resource.aws_scheduler_schedule)[0];
    expect(schedule).toMatchObject({
      name: 'fm-prod-circuit-recovery',
      schedule_expression: 'rate(1 minute)',
      flexible_time_window: { mode: 'OFF' },
    });
    expect(String((schedule.target as { arn: string }).arn)).toMatch(
      /aws_sfn_state_machine\.Workflows_Recovery_.*\.arn/,
    );
    const doc = Object.entries(s.data.aws_iam_policy_document).find(([id]) =>
      id.includes('SchedulerPolicy_Document'),
    )?.[1] as { statement: { actions: string[]; resources: string[] }[] };
    expect(doc.statement).toHaveLength(1);
    expect(doc.statement[0].actions).toEqual(['states:StartExecution']);
    expect(doc.statement[0].resources[0]).toMatch(/aws_sfn_state_machine\.Workflows_Recovery_.*\.arn/);
  });

  it('alarms on any failed execution of each state machine', () => {
    const alarms = Object.values(synth().resource.aws_cloudwatch_metric_alarm);
    expect(alarms).toHaveLength(3);
    for (const a of alarms)
      expect(a).toMatchObject({
        namespace: 'AWS/States',
        metric_name: 'ExecutionsFailed',
        statistic: 'Sum',
        threshold: 0,
        comparison_operator: 'GreaterThanThreshold',
      });
  });

  it('fails if a model arn has a wildcard', () => {
    expect(() =>
      synth({
        ...base,
        recovery: {
          ...base.recovery,
          bedrockInvocations: [{ foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/*'] }],
        },
      }),
    ).toThrow(
      'ResilienceWorkflows at test/Workflows: model arns must be exact, but arn:aws:bedrock:us-east-1::foundation-model/* was provided',
    );
  });
});
