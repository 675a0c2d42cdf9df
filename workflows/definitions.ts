import type { EnvironmentPlan, PlannedModel, PlannedRoute } from '../catalog';
import { CIRCUIT_ATTRIBUTE_NAMES, CIRCUIT_TRANSITIONS, circuitKey, type CircuitTransition } from '../functions/router/circuit-store';
import { CIRCUIT_FAILURES, ERROR_ACTIONS, type ErrorKind } from '../functions/router/error-kinds';
import type { Json, State, StateMachineDefinition } from './asl';
import { clockStart, clockStates } from './clock';
import { CONDITION_FAILED, caughtKinds, errorNamesOf } from './error-names';

/**
 * Amazon States Language definitions (JSONPath) of the resilience workflows, built from a resolved
 * environment plan: a pure function of its inputs, shared by the stack and the tests.
 *
 * Per route, an Express workflow (start it with `StartSyncExecution`, input
 * `{ "prompt": "...", "maxTokens": 512 }`, maxTokens optional) walks `route.candidates` in order:
 * read the circuit item (`<modelId>#<region>`, the primary Region), skip the model while the
 * circuit blocks calls (OPEN and openUntil > now, or HALF_OPEN and probeUntil > now: exactly the
 * router's rule), else invoke it with Retry on the retryable kinds; a caught error records the
 * failure with the router's conditional updates (functions/router/circuit-store.ts) and opens the
 * circuit at the threshold; then the next candidate. Success: `{ model, region, output, attempts }`;
 * every candidate failing: Fail `AllCandidatesFailed` whose Cause lists each attempt.
 *
 * Per environment, a recovery workflow (`recoveryWorkflowDefinition`) half-opens the expired
 * circuits of the environment's Bedrock models in the primary Region, probes each with a minimal
 * request, and closes or re-opens it.
 */

/** What the definitions reference outside the plan (Terraform tokens in the stack, literals in tests). */
export interface WorkflowTargets {
  readonly circuitTableName: string;
  readonly routerFunctionArn: string;
}

/** One candidate as the workflow calls it. */
export interface WorkflowCandidate {
  readonly modelId: string;
  readonly region: string;
  /** bedrock: the optimized `bedrock:invokeModel` integration; router: the router Lambda (SageMaker models). */
  readonly via: 'bedrock' | 'router';
  /** The ModelId passed to InvokeModel: the primary-Region invoke id (inference profile id or model id). */
  readonly invokeId?: string;
  /** ARNs IAM must allow for that call: the profile (if any) and the foundation models behind it. */
  readonly profileArn?: string;
  readonly foundationModelArns: readonly string[];
}

const TASK = {
  getItem: 'arn:aws:states:::dynamodb:getItem',
  updateItem: 'arn:aws:states:::dynamodb:updateItem',
  invokeModel: 'arn:aws:states:::bedrock:invokeModel',
  lambdaInvoke: 'arn:aws:states:::lambda:invoke',
} as const;

/** Express workflows run at most five minutes. */
export const EXPRESS_MAX_SECONDS = 300;
/** Default `maxTokens` of a route workflow request. */
export const DEFAULT_MAX_TOKENS = 512;
/** How long the recovery workflow holds a half-open probe lease. */
export const PROBE_LEASE_SECONDS = 60;
/** The recovery probe's own timeout. */
export const PROBE_TIMEOUT_SECONDS = 30;
/** Extra TTL on a written circuit item, as the router writes it (circuit-store.ts: window + cooldown + 3600 s). */
const EXPIRY_MARGIN_SECONDS = 3600;

/** The state names a test binds handlers to, one place for the builder and the tests. */
export const stateNames = (modelId: string) => ({
  readCircuit: `${modelId}.ReadCircuit`,
  invoke: `${modelId}.Invoke`,
  recordFailure: `${modelId}.RecordFailure`,
  newWindow: `${modelId}.NewWindow`,
  reopenProbe: `${modelId}.ReopenProbe`,
  openCircuit: `${modelId}.OpenCircuit`,
});
export const RECOVERY_STATES = { read: 'ReadCircuit', halfOpen: 'HalfOpen', probe: 'Probe', close: 'Close', reopen: 'Reopen' } as const;

function modelOf(plan: EnvironmentPlan, id: string): PlannedModel {
  const model = plan.models.find((m) => m.id === id);
  if (model === undefined) throw new Error(`workflow: model "${id}" is not in the plan of ${plan.name}`);
  return model;
}

/** The candidate as the workflow calls it: Bedrock in the primary Region, SageMaker through the router. */
export function workflowCandidate(plan: EnvironmentPlan, modelId: string): WorkflowCandidate {
  const model = modelOf(plan, modelId);
  if (model.hosting.type === 'sagemaker') return { modelId, region: model.hosting.region, via: 'router', foundationModelArns: [] };
  const primary = model.hosting.invocations.find((i) => i.region === plan.region);
  if (primary === undefined) throw new Error(`workflow: model "${modelId}" has no invocation in the primary region ${plan.region}`);
  return { modelId, region: primary.region, via: 'bedrock', invokeId: primary.invokeId, profileArn: primary.profile?.arn, foundationModelArns: primary.foundationModelArns };
}

/** A request value: a JSONPath into the state (`{ path }`) or a literal (`{ value }`). */
type Value = { readonly path: string } | { readonly value: string | number };
const put = (key: string, v: Value): Record<string, Json> => ('path' in v ? { [`${key}.$`]: v.path } : { [key]: v.value });

/**
 * A minimal InvokeModel body in the provider's native format (InvokeModel takes the model's own
 * request shape; Converse is not an optimized integration, see the report). Mistral's prompt is
 * wrapped in its instruction tags.
 */
export function invokeModelBody(model: Pick<PlannedModel, 'id' | 'provider' | 'family'>, prompt: Value, maxTokens: Value): Record<string, Json> {
  switch (model.provider) {
    case 'anthropic':
      return { anthropic_version: 'bedrock-2023-05-31', ...put('max_tokens', maxTokens), messages: [{ role: 'user', content: [{ type: 'text', ...put('text', prompt) }] }] };
    case 'amazon':
      if (model.family === 'titan') return { ...put('inputText', prompt), textGenerationConfig: put('maxTokenCount', maxTokens) };
      return { schemaVersion: 'messages-v1', messages: [{ role: 'user', content: [put('text', prompt)] }], inferenceConfig: put('maxTokens', maxTokens) };
    case 'meta':
      return { ...put('prompt', prompt), ...put('max_gen_len', maxTokens) };
    case 'mistral': {
      const wrapped: Value = 'path' in prompt ? { path: `States.Format('<s>[INST] {} [/INST]', ${prompt.path})` } : { value: `<s>[INST] ${prompt.value} [/INST]` };
      return { ...put('prompt', wrapped), ...put('max_tokens', maxTokens) };
    }
    case 'cohere':
      return { ...put('message', prompt), ...put('max_tokens', maxTokens) };
    default:
      throw new Error(`workflow: no InvokeModel request shape for provider "${model.provider}" (model "${model.id}")`);
  }
}

/** Retry of the retryable kinds with the route's backoff (Step Functions counts whole seconds). */
export function retrierFor(route: PlannedRoute, errorNames: readonly string[]): State {
  const interval = Math.max(1, Math.ceil(route.resilience.backoff.baseMs / 1000));
  return {
    ErrorEquals: [...errorNames],
    IntervalSeconds: interval,
    BackoffRate: 2,
    MaxAttempts: Math.max(0, route.resilience.attemptsPerModel - 1),
    MaxDelaySeconds: Math.max(interval, Math.ceil(route.resilience.backoff.maxMs / 1000)),
    JitterStrategy: 'FULL',
  };
}

const KEY = (pk: string): Json => ({ pk: { S: pk } });
/**
 * One circuit transition as the parameters of a dynamodb:updateItem task: the router's expressions
 * and constants (CIRCUIT_TRANSITIONS), with this workflow's values (JSONPath references) for the
 * placeholders that vary.
 */
function transition(name: CircuitTransition, tableName: string, key: Json, values: Record<string, Json>): Json {
  const t = CIRCUIT_TRANSITIONS[name];
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: t.update,
    ConditionExpression: t.condition,
    ExpressionAttributeNames: { ...CIRCUIT_ATTRIBUTE_NAMES },
    ExpressionAttributeValues: { ...t.constants, ...values },
    ReturnValues: 'ALL_NEW',
  };
}

/** Catchers per kind for the names of one integration (`prefixes`), then `States.ALL` as unknown. */
function catchers(prefixes: readonly string[], failedState: (kind: ErrorKind) => string, resultPath: string): Json[] {
  const list: Json[] = [];
  for (const kind of caughtKinds()) {
    const names = errorNamesOf(kind).filter((n) => prefixes.some((p) => n.startsWith(p)));
    if (names.length) list.push({ ErrorEquals: names, ResultPath: resultPath, Next: failedState(kind) });
  }
  list.push({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: failedState('unknown') });
  return list;
}

const kindsOf = (prefixes: readonly string[]): ErrorKind[] => [...caughtKinds().filter((k) => errorNamesOf(k).some((n) => prefixes.some((p) => n.startsWith(p)))), 'unknown'];

function candidateStates(plan: EnvironmentPlan, route: PlannedRoute, targets: WorkflowTargets, index: number, next: string): Record<string, State> {
  const modelId = route.candidates[index];
  const c = workflowCandidate(plan, modelId);
  const model = modelOf(plan, modelId);
  const n = stateNames(modelId);
  const slot = `$.attempts.c${index}`;
  const pk = circuitKey(modelId, c.region);
  const s = (x: string) => `${modelId}.${x}`;
  const breaker = route.resilience.circuitBreaker;
  const states: Record<string, State> = {};
  const invokeEntry = c.via === 'router' ? s('RouterRequest') : n.invoke;

  // 1. The circuit: read it; a DynamoDB error fails open (as the router's breaker does).
  states[n.readCircuit] = {
    Type: 'Task',
    Resource: TASK.getItem,
    Parameters: { TableName: targets.circuitTableName, Key: KEY(pk) },
    ResultPath: '$.circuit',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.circuitError', Next: invokeEntry }],
    Next: s('CheckCircuit'),
  };
  states[s('CheckCircuit')] = {
    Type: 'Choice',
    Choices: [
      { And: [{ Variable: '$.circuit.Item.openUntil.N', IsPresent: true }, { Variable: '$.circuit.Item.state.S', StringEquals: 'OPEN' }], Next: s('OpenUntil') },
      { And: [{ Variable: '$.circuit.Item.probeUntil.N', IsPresent: true }, { Variable: '$.circuit.Item.state.S', StringEquals: 'HALF_OPEN' }], Next: s('ProbeUntil') },
    ],
    Default: invokeEntry,
  };
  states[s('OpenUntil')] = { Type: 'Pass', Parameters: { 'untilMs.$': 'States.StringToJson($.circuit.Item.openUntil.N)' }, ResultPath: '$.circuit.blocked', Next: s('Blocked') };
  states[s('ProbeUntil')] = { Type: 'Pass', Parameters: { 'untilMs.$': 'States.StringToJson($.circuit.Item.probeUntil.N)' }, ResultPath: '$.circuit.blocked', Next: s('Blocked') };
  states[s('Blocked')] = { Type: 'Choice', Choices: [{ Variable: '$.circuit.blocked.untilMs', NumericGreaterThanPath: '$.clock.nowMs', Next: s('Skip') }], Default: invokeEntry };
  states[s('Skip')] = {
    Type: 'Pass',
    Parameters: { model: modelId, region: c.region, outcome: 'skipped', reason: 'circuit open', 'state.$': '$.circuit.Item.state.S', 'untilMs.$': '$.circuit.blocked.untilMs' },
    ResultPath: slot,
    Next: next,
  };

  // 2. The call.
  const failed = (kind: ErrorKind) => s(`Failed.${kind}`);
  const retryNames = (prefixes: readonly string[]) =>
    caughtKinds()
      .filter((k) => ERROR_ACTIONS[k] === 'retry')
      .flatMap((k) => errorNamesOf(k).filter((x) => prefixes.some((p) => x.startsWith(p))));
  const timeoutSeconds = Math.max(1, Math.ceil(route.resilience.attemptTimeoutMs / 1000));
  let prefixes: string[];
  if (c.via === 'bedrock') {
    prefixes = ['Bedrock.', 'States.'];
    states[n.invoke] = {
      Type: 'Task',
      Resource: TASK.invokeModel,
      Parameters: {
        ModelId: c.invokeId ?? modelId,
        ContentType: 'application/json',
        Accept: 'application/json',
        Body: invokeModelBody(model, { path: '$.request.prompt' }, { path: '$.request.maxTokens' }),
      },
      TimeoutSeconds: timeoutSeconds,
      ResultSelector: { model: modelId, region: c.region, 'body.$': '$.Body' },
      ResultPath: '$.answer',
      Retry: [retrierFor(route, retryNames(prefixes))],
      Catch: catchers(prefixes, failed, '$.failure'),
      Next: 'Answered',
    };
  } else {
    // SageMaker-hosted: through the router Lambda, as an API Gateway proxy event for this route.
    // The router cannot be told to call only this model: it applies its own chain, retries and breaker
    // (and records the circuit itself), so the workflow does not record router failures again.
    prefixes = ['Lambda.', 'States.'];
    states[s('RouterRequest')] = {
      Type: 'Pass',
      Parameters: {
        messages: [{ role: 'user', content: [{ 'text.$': '$.request.prompt' }] }],
        inferenceConfig: { 'maxTokens.$': '$.request.maxTokens' },
        metadata: { model: modelId, source: 'step-functions' },
      },
      ResultPath: '$.routerRequest',
      Next: n.invoke,
    };
    states[n.invoke] = {
      Type: 'Task',
      Resource: TASK.lambdaInvoke,
      Parameters: {
        FunctionName: targets.routerFunctionArn,
        Payload: {
          httpMethod: 'POST',
          path: `/v1/routes/${route.id}/converse`,
          resource: '/v1/routes/{route}/converse',
          pathParameters: { route: route.id },
          headers: { 'content-type': 'application/json' },
          isBase64Encoded: false,
          'body.$': 'States.JsonToString($.routerRequest)',
        },
      },
      TimeoutSeconds: Math.max(timeoutSeconds, Math.ceil(route.resilience.latencyBudgetMs / 1000)),
      ResultSelector: { 'statusCode.$': '$.Payload.statusCode', 'body.$': 'States.StringToJson($.Payload.body)' },
      ResultPath: '$.routerResult',
      Retry: [retrierFor(route, retryNames(prefixes))],
      Catch: catchers(prefixes, failed, '$.failure'),
      Next: s('RouterStatus'),
    };
    states[s('RouterStatus')] = { Type: 'Choice', Choices: [{ Variable: '$.routerResult.statusCode', NumericEquals: 200, Next: s('RouterAnswer') }], Default: s('RouterError') };
    states[s('RouterAnswer')] = {
      Type: 'Pass',
      Parameters: { 'model.$': '$.routerResult.body.model', region: c.region, 'body.$': '$.routerResult.body' },
      ResultPath: '$.answer',
      Next: 'Answered',
    };
    states[s('RouterError')] = {
      Type: 'Pass',
      Parameters: { 'Error.$': "States.Format('Router.{}', $.routerResult.body.error.code)", 'Cause.$': '$.routerResult.body.error.message' },
      ResultPath: '$.failure',
      Next: s('RouterErrorKind'),
    };
    states[s('RouterErrorKind')] = {
      Type: 'Choice',
      Choices: caughtKinds().flatMap((kind) => errorNamesOf(kind).filter((x) => x.startsWith('Router.')).map((x) => ({ Variable: '$.failure.Error', StringEquals: x, Next: failed(kind) }))),
      Default: failed('unknown'),
    };
    prefixes = [...prefixes, 'Router.'];
  }

  // 3. A failure: note it, then (Bedrock calls, kinds that count) record it in the circuit.
  for (const kind of kindsOf(prefixes)) {
    const counts = c.via === 'bedrock' && CIRCUIT_FAILURES.has(kind);
    states[failed(kind)] = {
      Type: 'Pass',
      Parameters: { model: modelId, region: c.region, outcome: 'failed', kind, 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
      ResultPath: slot,
      Next: ERROR_ACTIONS[kind] === 'caller-fault' ? 'CallerFault' : counts ? n.recordFailure : next,
    };
  }
  if (c.via === 'bedrock') Object.assign(states, recordFailureStates(modelId, pk, slot, breaker.failureThreshold, targets, next));
  return states;
}

/** The router's `recordFailure` (circuit-store.ts) as conditional updates, same expressions, same values. */
function recordFailureStates(modelId: string, pk: string, slot: string, threshold: number, targets: WorkflowTargets, next: string): Record<string, State> {
  const n = stateNames(modelId);
  const s = (x: string) => `${modelId}.${x}`;
  const failure: Record<string, Json> = {
    ':now': { 'N.$': '$.clock.now' },
    ':exp': { 'N.$': '$.clock.expiresAt' },
    ':kind': { 'S.$': `${slot}.kind` },
    ':floor': { 'N.$': '$.clock.windowFloor' },
  };
  const update = (name: CircuitTransition, values: Record<string, Json>): Json => transition(name, targets.circuitTableName, KEY(pk), values);
  const failOpen = { ErrorEquals: ['States.ALL'], ResultPath: '$.circuitError', Next: next };
  return {
    [n.recordFailure]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('countFailure', failure),
      ResultPath: '$.recorded',
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: '$.circuitError', Next: n.newWindow }, failOpen],
      Next: s('CountFailures'),
    },
    [n.newWindow]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('newWindow', failure),
      ResultPath: '$.recorded',
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: '$.circuitError', Next: n.reopenProbe }, failOpen],
      Next: s('CountFailures'),
    },
    // OPEN or HALF_OPEN: a failed probe (or a late failure of one) opens it again.
    [n.reopenProbe]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('reopen', {
        ':until': { 'N.$': '$.clock.openUntil' },
        ':now': { 'N.$': '$.clock.now' },
        ':exp': { 'N.$': '$.clock.expiresAt' },
        ':kind': { 'S.$': `${slot}.kind` },
      }),
      ResultSelector: { opened: true },
      ResultPath: `${slot}.circuit`,
      Catch: [failOpen],
      Next: next,
    },
    [s('CountFailures')]: { Type: 'Pass', Parameters: { 'failures.$': 'States.StringToJson($.recorded.Attributes.failures.N)' }, ResultPath: '$.recorded.count', Next: s('Threshold') },
    [s('Threshold')]: { Type: 'Choice', Choices: [{ Variable: '$.recorded.count.failures', NumericGreaterThanEquals: threshold, Next: n.openCircuit }], Default: next },
    [n.openCircuit]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('open', { ':until': { 'N.$': '$.clock.openUntil' }, ':now': { 'N.$': '$.clock.now' } }),
      ResultSelector: { opened: true },
      ResultPath: `${slot}.circuit`,
      Catch: [failOpen],
      Next: next,
    },
  };
}

/** The per-route circuit-breaker workflow (Express). */
export function routeWorkflowDefinition(plan: EnvironmentPlan, routeId: string, targets: WorkflowTargets): StateMachineDefinition {
  const route = plan.routes.find((r) => r.id === routeId);
  if (route === undefined) throw new Error(`workflow: route "${routeId}" is not in the plan of ${plan.name}`);
  if (route.candidates.length === 0) throw new Error(`workflow: route "${routeId}" has no candidates`);
  const breaker = route.resilience.circuitBreaker;
  const first = (i: number) => (i < route.candidates.length ? stateNames(route.candidates[i]).readCircuit : 'AllFailed');
  let states: Record<string, State> = {
    Defaults: { Type: 'Pass', Result: { maxTokens: DEFAULT_MAX_TOKENS }, ResultPath: '$.defaults', Next: 'Start' },
    Start: { Type: 'Pass', Parameters: { 'request.$': 'States.JsonMerge($.defaults, $$.Execution.Input, false)', attempts: {} }, Next: clockStart('Clock.') },
    ...clockStates('Clock.', first(0), {
      windowFloor: { offsetSeconds: -breaker.windowSeconds, unit: 'ms' },
      openUntil: { offsetSeconds: breaker.cooldownSeconds, unit: 'ms' },
      expiresAt: { offsetSeconds: breaker.windowSeconds + breaker.cooldownSeconds + EXPIRY_MARGIN_SECONDS + 1, unit: 's' },
    }),
  };
  route.candidates.forEach((_, i) => (states = { ...states, ...candidateStates(plan, route, targets, i, first(i + 1)) }));
  states = {
    ...states,
    Answered: { Type: 'Pass', Parameters: { route: route.id, 'model.$': '$.answer.model', 'region.$': '$.answer.region', 'output.$': '$.answer.body', 'attempts.$': '$.attempts' }, End: true },
    AllFailed: {
      Type: 'Pass',
      Parameters: { 'cause.$': `States.Format('every candidate of route ${route.id} failed or was skipped: {}', States.JsonToString($.attempts))` },
      Next: 'NoCandidateAnswered',
    },
    NoCandidateAnswered: { Type: 'Fail', Error: 'AllCandidatesFailed', CausePath: '$.cause' },
    CallerFault: { Type: 'Fail', Error: 'InvalidRequest', Cause: 'a model rejected the request as invalid (ValidationException): the caller must change it; no fallback is tried' },
  };
  return {
    Comment: `fm-platform ${plan.name}: route ${route.id}, circuit breaker over ${route.candidates.join(' > ')}`,
    QueryLanguage: 'JSONPath',
    StartAt: 'Defaults',
    TimeoutSeconds: Math.min(EXPRESS_MAX_SECONDS, Math.ceil(route.resilience.latencyBudgetMs / 1000)),
    States: states,
  };
}

/** Every route's workflow, by route id. */
export function routeWorkflowDefinitions(plan: EnvironmentPlan, targets: WorkflowTargets): Record<string, StateMachineDefinition> {
  return Object.fromEntries(plan.routes.map((r) => [r.id, routeWorkflowDefinition(plan, r.id, targets)]));
}

/** A circuit the recovery workflow probes: a Bedrock model of the environment in its primary Region. */
export interface ProbeTarget {
  readonly pk: string;
  readonly model: string;
  readonly invokeId: string;
  readonly body: Record<string, Json>;
  /** The longest cooldown of the routes that call the model: a failed probe re-opens for this long. */
  readonly cooldownSeconds: number;
  /** Seconds from now to the item's TTL after a failed probe. */
  readonly expirySeconds: number;
}

export function probeTargets(plan: EnvironmentPlan): ProbeTarget[] {
  return plan.models.flatMap((m) => {
    if (m.hosting.type !== 'bedrock') return [];
    const c = workflowCandidate(plan, m.id);
    const routes = plan.routes.filter((r) => r.candidates.includes(m.id));
    if (routes.length === 0) return [];
    const cooldownSeconds = Math.max(...routes.map((r) => r.resilience.circuitBreaker.cooldownSeconds));
    const windowSeconds = Math.max(...routes.map((r) => r.resilience.circuitBreaker.windowSeconds));
    return [{ pk: circuitKey(m.id, c.region), model: m.id, invokeId: c.invokeId ?? m.id, body: invokeModelBody(m, { value: 'ping' }, { value: 1 }), cooldownSeconds, expirySeconds: windowSeconds + cooldownSeconds + EXPIRY_MARGIN_SECONDS + 1 }];
  });
}

/** The scheduled recovery workflow of one environment. */
export function recoveryWorkflowDefinition(plan: EnvironmentPlan, targets: WorkflowTargets): StateMachineDefinition {
  const r = RECOVERY_STATES;
  const update = (name: CircuitTransition, values: Record<string, Json>): Json => transition(name, targets.circuitTableName, { pk: { 'S.$': '$.item.pk' } }, values);
  const outcome = (action: string, extra: Record<string, Json> = {}): State => ({ Type: 'Pass', Parameters: { 'pk.$': '$.item.pk', action, ...extra }, End: true });
  const unreachable = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Unreachable' };
  const probeFailed = (kind: ErrorKind) => `ProbeFailed.${kind}`;
  const iterator: Record<string, State> = {
    [r.read]: { Type: 'Task', Resource: TASK.getItem, Parameters: { TableName: targets.circuitTableName, 'Key': { pk: { 'S.$': '$.item.pk' } } }, ResultPath: '$.circuit', Catch: [unreachable], Next: 'IsOpen' },
    IsOpen: {
      Type: 'Choice',
      Choices: [{ And: [{ Variable: '$.circuit.Item.state.S', IsPresent: true }, { Or: [{ Variable: '$.circuit.Item.state.S', StringEquals: 'OPEN' }, { Variable: '$.circuit.Item.state.S', StringEquals: 'HALF_OPEN' }] }], Next: 'Deadlines' }],
      Default: 'NotOpen',
    },
    Deadlines: {
      Type: 'Pass',
      Parameters: {
        'until.$': "States.Format('{}{}', States.MathAdd($.clock.epochSeconds, $.item.cooldownSeconds), $.clock.ms)",
        'expiresAt.$': 'States.JsonToString(States.MathAdd($.clock.epochSeconds, $.item.expirySeconds))',
      },
      ResultPath: '$.times',
      Next: r.halfOpen,
    },
    [r.halfOpen]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('halfOpen', { ':lease': { 'N.$': '$.clock.lease' }, ':now': { 'N.$': '$.clock.now' } }),
      ResultPath: null,
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: 'NotDue' }, unreachable],
      Next: r.probe,
    },
    [r.probe]: {
      Type: 'Task',
      Resource: TASK.invokeModel,
      Parameters: { 'ModelId.$': '$.item.invokeId', ContentType: 'application/json', Accept: 'application/json', 'Body.$': '$.item.body' },
      TimeoutSeconds: PROBE_TIMEOUT_SECONDS,
      ResultPath: null,
      Catch: catchers(['Bedrock.', 'States.'], probeFailed, '$.failure'),
      Next: r.close,
    },
    [r.close]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('close', { ':now': { 'N.$': '$.clock.now' } }),
      ResultPath: null,
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: 'Lost' }, unreachable],
      Next: 'Closed',
    },
    [r.reopen]: {
      Type: 'Task',
      Resource: TASK.updateItem,
      Parameters: update('reopen', {
        ':until': { 'N.$': '$.times.until' },
        ':now': { 'N.$': '$.clock.now' },
        ':exp': { 'N.$': '$.times.expiresAt' },
        ':kind': { 'S.$': '$.probe.kind' },
      }),
      ResultPath: null,
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: 'Lost' }, unreachable],
      Next: 'Reopened',
    },
    NotOpen: outcome('none'),
    NotDue: outcome('not-due'),
    Closed: outcome('closed'),
    Reopened: outcome('reopened', { 'kind.$': '$.probe.kind', 'error.$': '$.failure.Error' }),
    Lost: outcome('lost'),
    Unreachable: outcome('error', { 'error.$': '$.error.Error' }),
  };
  for (const kind of kindsOf(['Bedrock.', 'States.'])) iterator[probeFailed(kind)] = { Type: 'Pass', Result: { kind }, ResultPath: '$.probe', Next: r.reopen };

  return {
    Comment: `fm-platform ${plan.name}: half-open expired circuits, probe, close or re-open`,
    QueryLanguage: 'JSONPath',
    StartAt: clockStart('Clock.'),
    TimeoutSeconds: EXPRESS_MAX_SECONDS,
    States: {
      ...clockStates('Clock.', 'Circuits', { lease: { offsetSeconds: PROBE_LEASE_SECONDS, unit: 'ms' } }),
      Circuits: { Type: 'Pass', Result: { items: probeTargets(plan) as unknown as Json }, ResultPath: '$.circuits', Next: 'ProbeEach' },
      ProbeEach: {
        Type: 'Map',
        ItemsPath: '$.circuits.items',
        ItemSelector: { 'item.$': '$$.Map.Item.Value', 'clock.$': '$.clock' },
        MaxConcurrency: 4,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: r.read, States: iterator },
        ResultPath: '$.results',
        Next: 'Summary',
      },
      Summary: { Type: 'Pass', Parameters: { 'circuits.$': '$.results' }, End: true },
    },
  };
}
