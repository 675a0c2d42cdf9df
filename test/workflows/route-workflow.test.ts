import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadProject, type EnvironmentPlan } from '../../catalog';
import { circuitKey } from '../../contracts/circuit';
import type { CircuitStore } from '../../functions/router/circuit-store';
import { routeWorkflowDefinition, routeWorkflowDefinitions, stateNames } from '../../workflows/route-workflow';
import type { WorkflowTargets } from '../../workflows/targets';
import { retryableErrorNames } from '../../workflows/error-names';
import {
  dynamoHandlers,
  execute,
  modelTask,
  startCircuitTable,
  tableArn,
  task,
  taskError,
  validateDefinition,
} from './harness';

const TABLE = 'fm-test-circuits';
const NOW = Date.UTC(2026, 10, 29, 7, 19, 55, 123);
// The form that ships: the stack passes the table's ARN (circuits.tableArn), not its name.
const targets: WorkflowTargets = {
  circuitTableName: tableArn('us-east-1', '333333333333', TABLE),
  routerFunctionArn: 'arn:aws:lambda:us-east-1:333333333333:function:fm-prod-router',
};
const settings = { failureThreshold: 5, windowSeconds: 60, cooldownSeconds: 30 };

describe('route workflow definitions', () => {
  const plans = loadProject().plans;
  const all = plans.flatMap((plan) =>
    Object.entries(routeWorkflowDefinitions(plan, targets)).map(
      ([route, d]) => [`${plan.name} route ${route}`, d] as const,
    ),
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

  it('retries with the route resilience: full jitter, capped delay, attemptsPerModel - 1 retries', () => {
    const prod = plans.find((p) => p.name === 'prod')!;
    const invoke = routeWorkflowDefinition(prod, 'chat', targets).States[stateNames('claude-haiku-4-5').invoke];
    expect(invoke.Retry).toEqual([
      {
        ErrorEquals: retryableErrorNames().filter((n) => n.startsWith('Bedrock.')),
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 1,
        MaxDelaySeconds: 1,
        JitterStrategy: 'FULL',
      },
    ]);
    expect(invoke.TimeoutSeconds).toBe(10);
    expect((invoke.Catch as { ErrorEquals: string[] }[]).at(-1)?.ErrorEquals).toEqual(['States.ALL']);
  });

  it('fails if a route is not in the plan', () => {
    expect(() => routeWorkflowDefinition(plans[0], 'nope', targets)).toThrow(
      `workflow: route "nope" is not in the plan of ${plans[0].name}`,
    );
  });
});

let client: DynamoDBClient;
let store: CircuitStore;
let close: () => Promise<void>;
let prod: EnvironmentPlan;

beforeAll(async () => {
  prod = loadProject({ only: ['prod'] }).plans[0];
  ({ client, store, close } = await startCircuitTable(TABLE));
});
afterAll(async () => {
  await close();
});
afterEach(async () => {
  for (const m of prod.models)
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: circuitKey(m.id, prod.region) } } }));
});

type Cue = Parameters<typeof modelTask>[0];

/** Handlers for every task of a route: DynamoDB on dynalite, each model per its cues. */
function routeHandlers(candidates: readonly string[], cues: Readonly<Record<string, Cue>>) {
  const { getItem, updateItem } = dynamoHandlers(client);
  const models = Object.fromEntries(
    candidates.map((m) => [m, modelTask(cues[m] ?? ['ok'], { text: `answer from ${m}` })]),
  );
  const handlers: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {};
  for (const m of candidates) {
    const n = stateNames(m);
    handlers[n.readCircuit] = getItem;
    for (const s of [n.recordFailure, n.newWindow, n.reopenProbe, n.openCircuit]) handlers[s] = updateItem;
    handlers[n.invoke] = models[m].handler;
  }
  const calls = () => Object.fromEntries(candidates.map((m) => [m, models[m].calls.length]));
  return { handlers, calls, models };
}

function runChat(cues: Readonly<Record<string, Cue>>, now = NOW) {
  const route = prod.routes.find((r) => r.id === 'chat')!;
  const h = routeHandlers(route.candidates, cues);
  const run = execute(routeWorkflowDefinition(prod, 'chat', targets), { prompt: 'hi' }, h.handlers, now);
  return { run, calls: h.calls, models: h.models };
}
describe('route workflow (prod chat: claude-haiku-4-5 > claude-sonnet-4 > nova-lite > mistral-large > nova-micro)', () => {
  it('answers with the primary when it is healthy, one call, no circuit written', async () => {
    const { run, calls, models } = runChat({});
    await expect(run).resolves.toEqual({
      route: 'chat',
      model: 'claude-haiku-4-5',
      region: 'us-east-1',
      output: { text: 'answer from claude-haiku-4-5' },
      attempts: {},
    });
    expect(calls()).toEqual({
      'claude-haiku-4-5': 1,
      'claude-sonnet-4': 0,
      'nova-lite': 0,
      'mistral-large': 0,
      'nova-micro': 0,
    });
    expect(models['claude-haiku-4-5'].calls[0]).toMatchObject({
      ModelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      Body: {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 512,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      },
    });
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toBeUndefined();
  });

  it('retries a throttled primary and answers with it (attemptsPerModel 2: one retry)', async () => {
    const { run, calls } = runChat({ 'claude-haiku-4-5': ['throttle', 'ok'] });
    await expect(run).resolves.toMatchObject({ model: 'claude-haiku-4-5', attempts: {} });
    expect(calls()['claude-haiku-4-5']).toBe(2);
    expect(calls()['claude-sonnet-4']).toBe(0);
  });

  it('uses the fallback when the primary fails, and records the failure as the router would', async () => {
    const { run, calls } = runChat({ 'claude-haiku-4-5': ['model-error'] });
    await expect(run).resolves.toMatchObject({
      model: 'claude-sonnet-4',
      attempts: {
        c0: { model: 'claude-haiku-4-5', outcome: 'failed', kind: 'model-error', error: 'Bedrock.ModelErrorException' },
      },
    });
    expect(calls()).toMatchObject({ 'claude-haiku-4-5': 1, 'claude-sonnet-4': 1 });
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toMatchObject({
      state: 'CLOSED',
      failures: 1,
      windowStart: NOW,
      lastErrorKind: 'model-error',
    });
  });

  it('fails open and writes no circuit when the table ARN names another Region (the ARN, not a name, picks the table)', async () => {
    const route = prod.routes.find((r) => r.id === 'chat')!;
    const h = routeHandlers(route.candidates, { 'claude-haiku-4-5': ['model-error'] });
    const elsewhere = { ...targets, circuitTableName: tableArn('eu-west-1', '333333333333', TABLE) };
    await expect(
      execute(routeWorkflowDefinition(prod, 'chat', elsewhere), { prompt: 'hi' }, h.handlers, NOW),
    ).resolves.toMatchObject({ model: 'claude-sonnet-4' });
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toBeUndefined();
  });

  it('uses the fallback when the primary throttles on every attempt, then counts one failure', async () => {
    const { run, calls } = runChat({ 'claude-haiku-4-5': ['throttle'] });
    await expect(run).resolves.toMatchObject({
      model: 'claude-sonnet-4',
      attempts: { c0: { kind: 'throttled', error: 'Bedrock.ThrottlingException' } },
    });
    expect(calls()['claude-haiku-4-5']).toBe(2);
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toMatchObject({
      failures: 1,
      lastErrorKind: 'throttled',
    });
  });

  it('skips a model whose circuit the router opened, without calling it', async () => {
    const pk = circuitKey('claude-haiku-4-5', 'us-east-1');
    for (let i = 0; i < settings.failureThreshold; i++)
      await store.recordFailure(pk, 'unavailable', settings, NOW - 1000);
    expect(await store.read(pk)).toMatchObject({ state: 'OPEN', openUntil: NOW - 1000 + 30_000 });
    const { run, calls } = runChat({});
    await expect(run).resolves.toMatchObject({
      model: 'claude-sonnet-4',
      attempts: { c0: { model: 'claude-haiku-4-5', outcome: 'skipped', state: 'OPEN', untilMs: NOW + 29_000 } },
    });
    expect(calls()).toMatchObject({ 'claude-haiku-4-5': 0, 'claude-sonnet-4': 1 });
  });

  it('calls a model again once its open circuit has cooled down', async () => {
    const pk = circuitKey('claude-haiku-4-5', 'us-east-1');
    for (let i = 0; i < settings.failureThreshold; i++)
      await store.recordFailure(pk, 'unavailable', settings, NOW - 31_000);
    const { run, calls } = runChat({});
    await expect(run).resolves.toMatchObject({ model: 'claude-haiku-4-5' });
    expect(calls()['claude-haiku-4-5']).toBe(1);
  });

  it("opens the circuit at the threshold, and the router's circuit store reads it as open", async () => {
    const pk = circuitKey('claude-haiku-4-5', 'us-east-1');
    for (let i = 0; i < settings.failureThreshold - 1; i++)
      await store.recordFailure(pk, 'timeout', settings, NOW - 5000);
    const { run } = runChat({ 'claude-haiku-4-5': ['model-error'] });
    await expect(run).resolves.toMatchObject({
      model: 'claude-sonnet-4',
      attempts: { c0: { kind: 'model-error', circuit: { opened: true } } },
    });
    const item = await store.read(pk);
    expect(item).toMatchObject({ state: 'OPEN', failures: 5, openUntil: NOW + 30_000, lastErrorKind: 'model-error' });
    // The router's own next failure report sees OPEN: nothing to count, nothing to reopen.
    expect(await store.tryHalfOpen(pk, 1000, NOW + 1000)).toBeUndefined();
    expect(await store.tryHalfOpen(pk, 1000, NOW + 30_000)).toMatchObject({ state: 'HALF_OPEN' });
  });

  it('fails with a cause naming every attempt when every candidate fails or is skipped', async () => {
    await store.recordFailure(
      circuitKey('nova-lite', 'us-east-1'),
      'unavailable',
      { ...settings, failureThreshold: 1 },
      NOW,
    );
    const { run, calls } = runChat({
      'claude-haiku-4-5': ['model-error'],
      'claude-sonnet-4': ['timeout'],
      'mistral-large': ['throttle'],
      'nova-micro': ['model-error'],
    });
    // The interpreter wraps the Fail state's error (name = Error, message = Cause) in an ExecutionError.
    const failure = await run.then(
      () => undefined,
      (err: Error) => err.cause as Error,
    );
    expect(failure?.name).toBe('AllCandidatesFailed');
    const message = failure?.message ?? '';
    expect(message).toMatch(/^every candidate of route chat failed or was skipped: \{/);
    expect(JSON.parse(message.slice(message.indexOf('{')))).toEqual({
      c0: expect.objectContaining({
        model: 'claude-haiku-4-5',
        outcome: 'failed',
        kind: 'model-error',
        error: 'Bedrock.ModelErrorException',
      }),
      c1: expect.objectContaining({
        model: 'claude-sonnet-4',
        outcome: 'failed',
        kind: 'timeout',
        error: 'States.Timeout',
      }),
      c2: expect.objectContaining({ model: 'nova-lite', outcome: 'skipped', state: 'OPEN' }),
      c3: expect.objectContaining({
        model: 'mistral-large',
        outcome: 'failed',
        kind: 'throttled',
        error: 'Bedrock.ThrottlingException',
      }),
      c4: expect.objectContaining({ model: 'nova-micro', outcome: 'failed', kind: 'model-error' }),
    });
    expect(calls()).toEqual({
      'claude-haiku-4-5': 1,
      'claude-sonnet-4': 1,
      'nova-lite': 0,
      'mistral-large': 2,
      'nova-micro': 1,
    });
  });

  it('fails without a fallback when the model rejects the request as invalid', async () => {
    const { run, calls } = runChat({ 'claude-haiku-4-5': ['invalid'] });
    await expect(run).rejects.toMatchObject({ cause: { name: 'InvalidRequest' } });
    expect(calls()['claude-sonnet-4']).toBe(0);
  });
});

describe('route workflow: Bedrock error names in any form (AWS documents none for the optimized integration)', () => {
  const CAUSE =
    'Too many requests, please wait before trying again. (Service: BedrockRuntime; Status Code: 429; Error Code: ThrottlingException; Request ID: r)';

  /** Runs prod chat with the primary failing every call with this error. */
  function failPrimaryWith(name: string, cause: string) {
    const route = prod.routes.find((r) => r.id === 'chat')!;
    const h = routeHandlers(route.candidates, {});
    let calls = 0;
    h.handlers[stateNames('claude-haiku-4-5').invoke] = task(() => {
      calls++;
      throw taskError(name, cause);
    });
    return {
      run: execute(routeWorkflowDefinition(prod, 'chat', targets), { prompt: 'hi' }, h.handlers, NOW),
      calls: () => calls,
    };
  }

  it.each([
    ['the pinned form', 'Bedrock.ThrottlingException', 'Too many requests'],
    ["the AWS SDK integrations' documented form", 'BedrockRuntime.ThrottlingException', 'Too many requests'],
    ['no prefix', 'ThrottlingException', 'Too many requests'],
    ['a generic name, the exception in the cause', 'States.TaskFailed', CAUSE],
  ])(
    'classifies a throttled primary by its exception name (%s: %s), falls back and counts it in the circuit',
    async (_, name, cause) => {
      const { run } = failPrimaryWith(name, cause);
      await expect(run).resolves.toMatchObject({
        model: 'claude-sonnet-4',
        attempts: { c0: { model: 'claude-haiku-4-5', outcome: 'failed', kind: 'throttled', error: name, cause } },
      });
      expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toMatchObject({
        failures: 1,
        lastErrorKind: 'throttled',
      });
    },
  );

  it('retries the pinned form only: the retriers match names, the classification runs after them', async () => {
    const pinned = failPrimaryWith('Bedrock.ThrottlingException', 'Too many requests');
    await pinned.run;
    expect(pinned.calls()).toBe(2);
    const other = failPrimaryWith('BedrockRuntime.ThrottlingException', 'Too many requests');
    await other.run;
    expect(other.calls()).toBe(1);
  });

  it("stops as the caller's fault on a validation error in another form, without a fallback", async () => {
    await expect(
      failPrimaryWith('BedrockRuntime.ValidationException', 'Malformed input request').run,
    ).rejects.toMatchObject({ cause: { name: 'InvalidRequest' } });
  });

  it('classifies a model error named only in the cause', async () => {
    await expect(
      failPrimaryWith('States.TaskFailed', 'The model returned an error (Error Code: ModelErrorException)').run,
    ).resolves.toMatchObject({ attempts: { c0: { kind: 'model-error', error: 'States.TaskFailed' } } });
  });

  it('leaves an error no exception name matches unknown, and still falls back', async () => {
    await expect(failPrimaryWith('Bedrock.SomethingNewException', 'something new').run).resolves.toMatchObject({
      model: 'claude-sonnet-4',
      attempts: { c0: { kind: 'unknown', error: 'Bedrock.SomethingNewException' } },
    });
  });
});

describe('route workflow (prod support: the SageMaker model through the router)', () => {
  const route = () => prod.routes.find((r) => r.id === 'support')!;

  it('calls the router with the route and the model named, and reports the model that answered', async () => {
    const h = routeHandlers(route().candidates, {});
    const payloads: unknown[] = [];
    h.handlers[stateNames('llama-3-8b-support-lora').invoke] = task((input) => {
      payloads.push(input);
      return {
        StatusCode: 200,
        Payload: {
          statusCode: 200,
          body: JSON.stringify({
            model: 'llama-3-8b-support-lora',
            output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
          }),
        },
      };
    });
    await expect(
      execute(routeWorkflowDefinition(prod, 'support', targets), { prompt: 'help' }, h.handlers, NOW),
    ).resolves.toMatchObject({ model: 'llama-3-8b-support-lora' });
    expect(payloads[0]).toMatchObject({
      FunctionName: targets.routerFunctionArn,
      Payload: { httpMethod: 'POST', path: '/v1/routes/support/converse' },
    });
    const body = JSON.parse((payloads[0] as { Payload: { body: string } }).Payload.body) as unknown;
    expect(body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'help' }] }],
      inferenceConfig: { maxTokens: 512 },
      metadata: { model: 'llama-3-8b-support-lora', source: 'step-functions' },
    });
    expect(h.calls()['claude-haiku-4-5']).toBe(0);
  });

  it('falls back to Bedrock when the router answers an error, without recording it twice', async () => {
    const h = routeHandlers(route().candidates, {});
    h.handlers[stateNames('llama-3-8b-support-lora').invoke] = task(() => ({
      StatusCode: 200,
      Payload: {
        statusCode: 503,
        body: JSON.stringify({
          error: { code: 'all_candidates_failed', message: 'every candidate failed', requestId: 'r' },
        }),
      },
    }));
    await expect(
      execute(routeWorkflowDefinition(prod, 'support', targets), { prompt: 'help' }, h.handlers, NOW),
    ).resolves.toMatchObject({
      model: 'claude-haiku-4-5',
      attempts: {
        c0: {
          model: 'llama-3-8b-support-lora',
          outcome: 'failed',
          kind: 'unavailable',
          error: 'Router.all_candidates_failed',
        },
      },
    });
    expect(await store.read(circuitKey('llama-3-8b-support-lora', 'us-east-1'))).toBeUndefined();
  });

  it("still calls the router when the primary endpoint's circuit is open: the router fails over to the DR endpoint", async () => {
    const pk = circuitKey('llama-3-8b-support-lora', 'us-east-1');
    for (let i = 0; i < settings.failureThreshold; i++)
      await store.recordFailure(pk, 'model-error', settings, NOW - 1000);
    expect(await store.read(pk)).toMatchObject({ state: 'OPEN' });
    const h = routeHandlers(route().candidates, {});
    let invoked = 0;
    h.handlers[stateNames('llama-3-8b-support-lora').invoke] = task(() => {
      invoked++;
      return {
        StatusCode: 200,
        Payload: { statusCode: 200, body: JSON.stringify({ model: 'llama-3-8b-support-lora' }) },
      };
    });
    await expect(
      execute(routeWorkflowDefinition(prod, 'support', targets), { prompt: 'help' }, h.handlers, NOW),
    ).resolves.toMatchObject({ model: 'llama-3-8b-support-lora' });
    expect(invoked).toBe(1);
  });

  it('retries a throttled router invocation', async () => {
    const h = routeHandlers(route().candidates, {});
    let n = 0;
    h.handlers[stateNames('llama-3-8b-support-lora').invoke] = task(() => {
      if (n++ === 0) throw taskError('Lambda.TooManyRequestsException');
      return {
        StatusCode: 200,
        Payload: { statusCode: 200, body: JSON.stringify({ model: 'llama-3-8b-support-lora' }) },
      };
    });
    await expect(
      execute(routeWorkflowDefinition(prod, 'support', targets), { prompt: 'help' }, h.handlers, NOW),
    ).resolves.toMatchObject({ model: 'llama-3-8b-support-lora' });
    expect(n).toBe(2);
  });
});

describe('route workflow through the application inference profiles of its route', () => {
  const profileArn = (model: string) =>
    `arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/${model.replace(/[^a-z0-9]/g, '').slice(0, 12)}`;
  const withProfiles: WorkflowTargets = {
    ...targets,
    applicationProfileArn: (routeId, modelId) =>
      routeId === 'chat' && modelId !== 'nova-lite' ? profileArn(modelId) : undefined,
  };

  it('invokes each model by its route profile ARN, falling back through the next one, and a model without one by its id', async () => {
    const route = prod.routes.find((r) => r.id === 'chat')!;
    const h = routeHandlers(route.candidates, {
      'claude-haiku-4-5': ['model-error'],
      'claude-sonnet-4': ['model-error'],
    });
    const run = execute(routeWorkflowDefinition(prod, 'chat', withProfiles), { prompt: 'hi' }, h.handlers, NOW);
    await expect(run).resolves.toMatchObject({ model: 'nova-lite', region: 'us-east-1' });
    expect(h.models['claude-haiku-4-5'].calls[0]).toMatchObject({ ModelId: profileArn('claude-haiku-4-5') });
    expect(h.models['claude-sonnet-4'].calls[0]).toMatchObject({ ModelId: profileArn('claude-sonnet-4') });
    expect(h.models['nova-lite'].calls[0]).toMatchObject({ ModelId: 'us.amazon.nova-lite-v1:0' });
    // The circuit still keys on the model and Region, not on the profile.
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toBeDefined();
  });
});
