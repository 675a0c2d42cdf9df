import type { EnvironmentPlan, PlannedModel, PlannedRoute } from '../catalog';
import { circuitKey, type CircuitTransition } from '../contracts/circuit';
import { CIRCUIT_FAILURES, ERROR_ACTIONS, type ErrorKind } from '../contracts/error-kinds';
import { API_OPERATIONS, conversePath, resourcePath } from '../contracts/http-api';
import { tableModel } from '../contracts/routing-table';
import { EXPRESS_MAX_SECONDS, type Json, type State, type StateMachineDefinition } from './asl';
import { modelOf, workflowCandidate, type WorkflowCandidate } from './candidates';
import {
  GET_ITEM_TASK,
  itemExpirySeconds,
  readCircuitParameters,
  transitionParameters,
  UPDATE_ITEM_TASK,
} from './circuit-tasks';
import { clockStart, clockStates } from './clock';
import { catchers, classifyByExceptionName, kindsCaught, retrierFor, retryableNames } from './error-handling';
import { CONDITION_FAILED, caughtKinds, errorNamesOf } from './error-names';
import { INVOKE_MODEL_TASK, invokeModelBody, JSON_BODY } from './invoke-model';
import type { WorkflowTargets } from './targets';
import { WorkflowDefinitionError } from './workflow-error';

/**
 * The per-route circuit-breaker workflow (Amazon States Language, JSONPath), built from a resolved
 * environment plan: a pure function of its inputs, shared by the stack and the tests.
 *
 * An Express workflow (start it with `StartSyncExecution`, input `{ "prompt": "...", "maxTokens": 512 }`,
 * maxTokens optional) walks `route.candidates` in order: read the circuit item (`<modelId>#<region>`,
 * the primary Region), skip the model while the circuit blocks calls (OPEN and openUntil > now, or
 * HALF_OPEN and probeUntil > now: exactly the router's rule), else invoke it with Retry on the
 * retryable kinds; a caught error records the failure with the router's conditional updates
 * (circuit-tasks.ts) and opens the circuit at the threshold; then the next candidate.
 * Success: `{ model, region, output, attempts }`; every candidate failing: Fail `AllCandidatesFailed`
 * whose Cause lists each attempt.
 */

/** Default `maxTokens` of a route workflow request. */
export const DEFAULT_MAX_TOKENS = 512;

/** The state names of one candidate, one place for the builder and the tests. */
export const stateNames = (modelId: string) => {
  const s = (name: string) => `${modelId}.${name}`;
  return {
    readCircuit: s('ReadCircuit'),
    checkCircuit: s('CheckCircuit'),
    openUntil: s('OpenUntil'),
    probeUntil: s('ProbeUntil'),
    blocked: s('Blocked'),
    skip: s('Skip'),
    invoke: s('Invoke'),
    classifyFailure: s('ClassifyFailure'),
    routerRequest: s('RouterRequest'),
    routerStatus: s('RouterStatus'),
    routerAnswer: s('RouterAnswer'),
    routerError: s('RouterError'),
    routerErrorKind: s('RouterErrorKind'),
    failed: (kind: ErrorKind) => s(`Failed.${kind}`),
    recordFailure: s('RecordFailure'),
    newWindow: s('NewWindow'),
    reopenProbe: s('ReopenProbe'),
    countFailures: s('CountFailures'),
    threshold: s('Threshold'),
    openCircuit: s('OpenCircuit'),
  };
};

/** What every state group of one candidate needs. */
interface CandidateContext {
  readonly route: PlannedRoute;
  readonly targets: WorkflowTargets;
  readonly model: PlannedModel;
  readonly candidate: WorkflowCandidate;
  readonly names: ReturnType<typeof stateNames>;
  /** The circuit item's partition key. */
  readonly pk: string;
  /** Where the candidate's attempt is noted: `$.attempts.c<index>`. */
  readonly slot: string;
  /** The first state of the next candidate (or `AllFailed`). */
  readonly next: string;
  /** The first state of the call (the router's request is built before its invocation). */
  readonly callEntry: string;
}

/** Names a Bedrock call's Retry and Catch match: the `Bedrock.` exceptions and Step Functions' own. */
const BEDROCK_PREFIXES = ['Bedrock.', 'States.'];
/** The router Lambda's invocation: the `Lambda.` exceptions and Step Functions' own. */
const LAMBDA_PREFIXES = ['Lambda.', 'States.'];

const attemptTimeoutSeconds = (route: PlannedRoute): number =>
  Math.max(1, Math.ceil(route.resilience.attemptTimeoutMs / 1000));

/**
 * Reads the circuit and skips the model while it blocks calls (the router's rule), else goes on to
 * the call. A DynamoDB error fails open, as the router's breaker does.
 */
function circuitCheckStates(c: CandidateContext): Record<string, State> {
  const { names: n, candidate } = c;
  return {
    [n.readCircuit]: {
      Type: 'Task',
      Resource: GET_ITEM_TASK,
      Parameters: readCircuitParameters(c.targets.circuitTableName, { value: c.pk }),
      ResultPath: '$.circuit',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.circuitError', Next: c.callEntry }],
      Next: n.checkCircuit,
    },
    [n.checkCircuit]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.circuit.Item.openUntil.N', IsPresent: true },
            { Variable: '$.circuit.Item.state.S', StringEquals: 'OPEN' },
          ],
          Next: n.openUntil,
        },
        {
          And: [
            { Variable: '$.circuit.Item.probeUntil.N', IsPresent: true },
            { Variable: '$.circuit.Item.state.S', StringEquals: 'HALF_OPEN' },
          ],
          Next: n.probeUntil,
        },
      ],
      Default: c.callEntry,
    },
    [n.openUntil]: {
      Type: 'Pass',
      Parameters: { 'untilMs.$': 'States.StringToJson($.circuit.Item.openUntil.N)' },
      ResultPath: '$.circuit.blocked',
      Next: n.blocked,
    },
    [n.probeUntil]: {
      Type: 'Pass',
      Parameters: { 'untilMs.$': 'States.StringToJson($.circuit.Item.probeUntil.N)' },
      ResultPath: '$.circuit.blocked',
      Next: n.blocked,
    },
    [n.blocked]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.circuit.blocked.untilMs', NumericGreaterThanPath: '$.clock.nowMs', Next: n.skip }],
      Default: c.callEntry,
    },
    [n.skip]: {
      Type: 'Pass',
      Parameters: {
        model: candidate.modelId,
        region: candidate.region,
        outcome: 'skipped',
        reason: 'circuit open',
        'state.$': '$.circuit.Item.state.S',
        'untilMs.$': '$.circuit.blocked.untilMs',
      },
      ResultPath: c.slot,
      Next: c.next,
    },
  };
}

/**
 * A Bedrock-hosted candidate: the optimized InvokeModel integration with the model's own request
 * body. An error no catcher names is classified by its exception name (error-names.ts says why).
 */
function bedrockCallStates(c: CandidateContext): Record<string, State> {
  const { names: n, candidate } = c;
  return {
    [n.invoke]: {
      Type: 'Task',
      Resource: INVOKE_MODEL_TASK,
      Parameters: {
        ModelId: candidate.invokeId ?? candidate.modelId,
        ...JSON_BODY,
        Body: invokeModelBody(c.model, { path: '$.request.prompt' }, { path: '$.request.maxTokens' }),
      },
      TimeoutSeconds: attemptTimeoutSeconds(c.route),
      ResultSelector: { model: candidate.modelId, region: candidate.region, 'body.$': '$.Body' },
      ResultPath: '$.answer',
      Retry: [retrierFor(c.route, retryableNames(BEDROCK_PREFIXES))],
      Catch: catchers(BEDROCK_PREFIXES, n.failed, '$.failure', n.classifyFailure),
      Next: 'Answered',
    },
    [n.classifyFailure]: classifyByExceptionName('$.failure', n.failed),
  };
}

/**
 * A SageMaker-hosted candidate: through the router Lambda, as an API Gateway proxy event for this
 * route. The router cannot be told to call only this model: it applies its own chain, retries and
 * breaker (and records the circuit itself), so the workflow does not record router failures again.
 * An error answer (`{ error: { code } }`) becomes the failure `Router.<code>`.
 */
function routerCallStates(c: CandidateContext): Record<string, State> {
  const { names: n, candidate, route } = c;
  return {
    [n.routerRequest]: {
      Type: 'Pass',
      Parameters: {
        messages: [{ role: 'user', content: [{ 'text.$': '$.request.prompt' }] }],
        inferenceConfig: { 'maxTokens.$': '$.request.maxTokens' },
        metadata: { model: candidate.modelId, source: 'step-functions' },
      },
      ResultPath: '$.routerRequest',
      Next: n.invoke,
    },
    [n.invoke]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: c.targets.routerFunctionArn,
        Payload: {
          httpMethod: API_OPERATIONS.converse.method,
          path: conversePath(route.id),
          resource: resourcePath('converse'),
          pathParameters: { route: route.id },
          headers: { 'content-type': 'application/json' },
          isBase64Encoded: false,
          'body.$': 'States.JsonToString($.routerRequest)',
        },
      },
      TimeoutSeconds: Math.max(attemptTimeoutSeconds(route), Math.ceil(route.resilience.latencyBudgetMs / 1000)),
      ResultSelector: { 'statusCode.$': '$.Payload.statusCode', 'body.$': 'States.StringToJson($.Payload.body)' },
      ResultPath: '$.routerResult',
      Retry: [retrierFor(route, retryableNames(LAMBDA_PREFIXES))],
      Catch: catchers(LAMBDA_PREFIXES, n.failed, '$.failure'),
      Next: n.routerStatus,
    },
    [n.routerStatus]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.routerResult.statusCode', NumericEquals: 200, Next: n.routerAnswer }],
      Default: n.routerError,
    },
    [n.routerAnswer]: {
      Type: 'Pass',
      Parameters: { 'model.$': '$.routerResult.body.model', region: candidate.region, 'body.$': '$.routerResult.body' },
      ResultPath: '$.answer',
      Next: 'Answered',
    },
    [n.routerError]: {
      Type: 'Pass',
      Parameters: {
        'Error.$': "States.Format('Router.{}', $.routerResult.body.error.code)",
        'Cause.$': '$.routerResult.body.error.message',
      },
      ResultPath: '$.failure',
      Next: n.routerErrorKind,
    },
    [n.routerErrorKind]: {
      Type: 'Choice',
      Choices: caughtKinds().flatMap((kind) =>
        errorNamesOf(kind)
          .filter((x) => x.startsWith('Router.'))
          .map((x) => ({ Variable: '$.failure.Error', StringEquals: x, Next: n.failed(kind) })),
      ),
      Default: n.failed('unknown'),
    },
  };
}

/**
 * One state per kind a call's failure can have: it notes the attempt, then ends the request (the
 * caller's fault), records the failure in the circuit (a Bedrock call of a kind that counts), or
 * moves on to the next candidate.
 */
function failureStates(c: CandidateContext, kinds: readonly ErrorKind[]): Record<string, State> {
  const { names: n, candidate } = c;
  const states: Record<string, State> = {};
  for (const kind of kinds) {
    const counts = candidate.via === 'invoke-model' && CIRCUIT_FAILURES.has(kind);
    states[n.failed(kind)] = {
      Type: 'Pass',
      Parameters: {
        model: candidate.modelId,
        region: candidate.region,
        outcome: 'failed',
        kind,
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
      ResultPath: c.slot,
      Next: ERROR_ACTIONS[kind] === 'caller-fault' ? 'CallerFault' : counts ? n.recordFailure : c.next,
    };
  }
  return states;
}

/**
 * The router's `recordFailure` as conditional updates, same expressions, same values: count the
 * failure in the current window, or start a new window, or (OPEN or HALF_OPEN) re-open a failed
 * probe; at the threshold, open the circuit. A DynamoDB error fails open.
 */
function recordFailureStates(c: CandidateContext): Record<string, State> {
  const { names: n, slot } = c;
  const failure: Record<string, Json> = {
    ':now': { 'N.$': '$.clock.now' },
    ':exp': { 'N.$': '$.clock.expiresAt' },
    ':kind': { 'S.$': `${slot}.kind` },
    ':floor': { 'N.$': '$.clock.windowFloor' },
  };
  const update = (name: CircuitTransition, values: Record<string, Json>): Json =>
    transitionParameters(name, c.targets.circuitTableName, { value: c.pk }, values);
  const failOpen = { ErrorEquals: ['States.ALL'], ResultPath: '$.circuitError', Next: c.next };
  return {
    [n.recordFailure]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('countFailure', failure),
      ResultPath: '$.recorded',
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: '$.circuitError', Next: n.newWindow }, failOpen],
      Next: n.countFailures,
    },
    [n.newWindow]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('newWindow', failure),
      ResultPath: '$.recorded',
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: '$.circuitError', Next: n.reopenProbe }, failOpen],
      Next: n.countFailures,
    },
    // OPEN or HALF_OPEN: a failed probe (or a late failure of one) opens it again.
    [n.reopenProbe]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('reopen', {
        ':until': { 'N.$': '$.clock.openUntil' },
        ':now': { 'N.$': '$.clock.now' },
        ':exp': { 'N.$': '$.clock.expiresAt' },
        ':kind': { 'S.$': `${slot}.kind` },
      }),
      ResultSelector: { opened: true },
      ResultPath: `${slot}.circuit`,
      Catch: [failOpen],
      Next: c.next,
    },
    [n.countFailures]: {
      Type: 'Pass',
      Parameters: { 'failures.$': 'States.StringToJson($.recorded.Attributes.failures.N)' },
      ResultPath: '$.recorded.count',
      Next: n.threshold,
    },
    [n.threshold]: {
      Type: 'Choice',
      Choices: [
        {
          Variable: '$.recorded.count.failures',
          NumericGreaterThanEquals: c.route.resilience.circuitBreaker.failureThreshold,
          Next: n.openCircuit,
        },
      ],
      Default: c.next,
    },
    [n.openCircuit]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('open', { ':until': { 'N.$': '$.clock.openUntil' }, ':now': { 'N.$': '$.clock.now' } }),
      ResultSelector: { opened: true },
      ResultPath: `${slot}.circuit`,
      Catch: [failOpen],
      Next: c.next,
    },
  };
}

/** Every state of the candidate at `index`: its circuit check, its call, its failures and (Bedrock) their recording. */
function candidateStates(
  plan: EnvironmentPlan,
  route: PlannedRoute,
  targets: WorkflowTargets,
  index: number,
  next: string,
): Record<string, State> {
  const modelId = route.candidates[index];
  const invocation = workflowCandidate(plan, modelId);
  // The route's application inference profile, where the stack made one (primary Region, as the workflow calls).
  const profileArn = invocation.via === 'invoke-model' ? targets.applicationProfileArn?.(route.id, modelId) : undefined;
  const candidate = profileArn !== undefined ? { ...invocation, invokeId: profileArn } : invocation;
  const names = stateNames(modelId);
  const c: CandidateContext = {
    route,
    targets,
    model: modelOf(plan, modelId),
    candidate,
    names,
    pk: circuitKey(modelId, candidate.region),
    slot: `$.attempts.c${index}`,
    next,
    callEntry: candidate.via === 'router' ? names.routerRequest : names.invoke,
  };
  if (candidate.via === 'invoke-model') {
    return {
      ...circuitCheckStates(c),
      ...bedrockCallStates(c),
      ...failureStates(c, kindsCaught(BEDROCK_PREFIXES)),
      ...recordFailureStates(c),
    };
  }
  return {
    ...(calledInOneRegion(plan, modelId) ? circuitCheckStates(c) : routerPicksRegion(c)),
    ...routerCallStates(c),
    ...failureStates(c, kindsCaught([...LAMBDA_PREFIXES, 'Router.'])),
  };
}

/** Whether the routing table calls a model in one Region only (a SageMaker DR endpoint is a second). */
function calledInOneRegion(plan: EnvironmentPlan, modelId: string): boolean {
  return (tableModel(plan.routingTable, modelId)?.targets.length ?? 1) === 1;
}

/**
 * A router candidate called in several Regions (a SageMaker model with a DR endpoint): the primary's
 * open circuit must not skip it, since the router then calls the DR endpoint, with its breaker per
 * model and Region. The workflow goes straight to the router, under the same entry state name.
 */
function routerPicksRegion(c: CandidateContext): Record<string, State> {
  return { [c.names.readCircuit]: { Type: 'Pass', Next: c.callEntry } };
}

/** The per-route circuit-breaker workflow (Express). */
export function routeWorkflowDefinition(
  plan: EnvironmentPlan,
  routeId: string,
  targets: WorkflowTargets,
): StateMachineDefinition {
  const route = plan.routes.find((r) => r.id === routeId);
  if (route === undefined)
    throw new WorkflowDefinitionError(`workflow: route "${routeId}" is not in the plan of ${plan.name}`);
  if (route.candidates.length === 0)
    throw new WorkflowDefinitionError(`workflow: route "${routeId}" has no candidates`);
  const breaker = route.resilience.circuitBreaker;
  const first = (i: number) =>
    i < route.candidates.length ? stateNames(route.candidates[i]).readCircuit : 'AllFailed';
  let states: Record<string, State> = {
    Defaults: { Type: 'Pass', Result: { maxTokens: DEFAULT_MAX_TOKENS }, ResultPath: '$.defaults', Next: 'Start' },
    Start: {
      Type: 'Pass',
      Parameters: { 'request.$': 'States.JsonMerge($.defaults, $$.Execution.Input, false)', attempts: {} },
      Next: clockStart('Clock.'),
    },
    ...clockStates('Clock.', first(0), {
      windowFloor: { offsetSeconds: -breaker.windowSeconds, unit: 'ms' },
      openUntil: { offsetSeconds: breaker.cooldownSeconds, unit: 'ms' },
      expiresAt: { offsetSeconds: itemExpirySeconds(breaker.windowSeconds, breaker.cooldownSeconds), unit: 's' },
    }),
  };
  route.candidates.forEach(
    (_, i) => (states = { ...states, ...candidateStates(plan, route, targets, i, first(i + 1)) }),
  );
  states = {
    ...states,
    Answered: {
      Type: 'Pass',
      Parameters: {
        route: route.id,
        'model.$': '$.answer.model',
        'region.$': '$.answer.region',
        'output.$': '$.answer.body',
        'attempts.$': '$.attempts',
      },
      End: true,
    },
    AllFailed: {
      Type: 'Pass',
      Parameters: {
        'cause.$': `States.Format('every candidate of route ${route.id} failed or was skipped: {}', States.JsonToString($.attempts))`,
      },
      Next: 'NoCandidateAnswered',
    },
    NoCandidateAnswered: { Type: 'Fail', Error: 'AllCandidatesFailed', CausePath: '$.cause' },
    CallerFault: {
      Type: 'Fail',
      Error: 'InvalidRequest',
      Cause:
        'a model rejected the request as invalid (ValidationException): the caller must change it; no fallback is tried',
    },
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
export function routeWorkflowDefinitions(
  plan: EnvironmentPlan,
  targets: WorkflowTargets,
): Record<string, StateMachineDefinition> {
  return Object.fromEntries(plan.routes.map((r) => [r.id, routeWorkflowDefinition(plan, r.id, targets)]));
}
