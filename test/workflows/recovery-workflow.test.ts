import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { loadProject } from '../../catalog';
import { circuitKey } from '../../contracts/circuit';
import { RECOVERY_STATES, recoveryWorkflowDefinition } from '../../workflows/recovery-workflow';
import type { WorkflowTargets } from '../../workflows/targets';
import { dynamoHandlers, execute, startCircuitTable, tableArn, task, taskError, validateDefinition } from './harness';

const TABLE = 'fm-test-circuits';
const NOW = Date.UTC(2026, 10, 29, 7, 19, 55, 123);
// The form that ships: the stack passes the table's ARN (circuits.tableArn), not its name.
const targets: WorkflowTargets = {
  circuitTableName: tableArn('us-east-1', '333333333333', TABLE),
  routerFunctionArn: 'arn:aws:lambda:us-east-1:333333333333:function:fm-prod-router',
};
const settings = { failureThreshold: 5, windowSeconds: 60, cooldownSeconds: 30 };

describe('recovery workflow definitions', () => {
  const all = loadProject().plans.map(
    (plan) => [`${plan.name} recovery`, recoveryWorkflowDefinition(plan, targets)] as const,
  );

  it.each(all)('%s passes asl-validator', (_, definition) => {
    const result = validateDefinition(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(all)('%s fits an Express workflow (timeout <= 300 s, definition < 1 MB)', (_, definition) => {
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(300);
    expect(JSON.stringify(definition).length).toBeLessThan(1_000_000);
  });
});

describe('recovery workflow (prod)', () => {
  const prod = loadProject({ only: ['prod'] }).plans[0];
  let table: Awaited<ReturnType<typeof startCircuitTable>>;
  beforeAll(async () => {
    table = await startCircuitTable(TABLE);
  });
  afterAll(async () => {
    await table.close();
  });
  afterEach(async () => {
    for (const m of prod.models)
      await table.client.send(
        new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: circuitKey(m.id, prod.region) } } }),
      );
  });

  it('closes a circuit whose probe answers, re-opens one whose probe fails, leaves the rest alone', async () => {
    const { client, store } = table;
    const haiku = circuitKey('claude-haiku-4-5', 'us-east-1');
    const nova = circuitKey('nova-lite', 'us-east-1');
    const sonnet = circuitKey('claude-sonnet-4', 'us-east-1');
    const once = { ...settings, failureThreshold: 1 };
    await store.recordFailure(haiku, 'unavailable', once, NOW - 120_000);
    await store.recordFailure(nova, 'unavailable', once, NOW - 120_000);
    await store.recordFailure(sonnet, 'unavailable', once, NOW - 1000); // still cooling down
    const { getItem, updateItem } = dynamoHandlers(client);
    const probed: string[] = [];
    const probe = task((input) => {
      probed.push(String(input.ModelId));
      if (String(input.ModelId).includes('nova-lite')) throw taskError('Bedrock.ServiceUnavailableException');
      return { Body: {} };
    });
    const r = RECOVERY_STATES;
    const out = (await execute(
      recoveryWorkflowDefinition(prod, targets),
      {},
      { [r.read]: getItem, [r.halfOpen]: updateItem, [r.close]: updateItem, [r.reopen]: updateItem, [r.probe]: probe },
      NOW,
    )) as { circuits: { pk: string; action: string }[] };
    expect(Object.fromEntries(out.circuits.map((c) => [c.pk, c.action]))).toMatchObject({
      [haiku]: 'closed',
      [nova]: 'reopened',
      [sonnet]: 'not-due',
      [circuitKey('nova-micro', 'us-east-1')]: 'none',
    });
    expect(probed.sort()).toEqual(['us.amazon.nova-lite-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0']);
    expect(await store.read(haiku)).toMatchObject({ state: 'CLOSED', failures: 0, windowStart: NOW });
    const reopened = await store.read(nova);
    expect(reopened).toMatchObject({ state: 'OPEN', lastErrorKind: 'unavailable', openUntil: NOW + 60_000 });
    expect(reopened?.probeUntil).toBeUndefined();
  });

  it("re-opens a circuit whose probe fails with an error name in another form, with the exception's kind", async () => {
    const { client, store } = table;
    const haiku = circuitKey('claude-haiku-4-5', 'us-east-1');
    await store.recordFailure(haiku, 'unavailable', { ...settings, failureThreshold: 1 }, NOW - 120_000);
    const { getItem, updateItem } = dynamoHandlers(client);
    const probe = task((input) => {
      if (String(input.ModelId).includes('claude-haiku-4-5'))
        throw taskError('BedrockRuntime.ModelNotReadyException', 'model not ready');
      return { Body: {} };
    });
    const r = RECOVERY_STATES;
    const out = (await execute(
      recoveryWorkflowDefinition(prod, targets),
      {},
      { [r.read]: getItem, [r.halfOpen]: updateItem, [r.close]: updateItem, [r.reopen]: updateItem, [r.probe]: probe },
      NOW,
    )) as { circuits: { pk: string; action: string; kind?: string }[] };
    expect(out.circuits.find((c) => c.pk === haiku)).toMatchObject({
      action: 'reopened',
      kind: 'throttled',
      error: 'BedrockRuntime.ModelNotReadyException',
    });
    expect(await store.read(haiku)).toMatchObject({ state: 'OPEN', lastErrorKind: 'throttled' });
  });
});
