import type { EnvironmentPlan } from '../catalog';
import { circuitKey, type CircuitTransition } from '../contracts/circuit';
import type { ErrorKind } from '../contracts/error-kinds';
import { EXPRESS_MAX_SECONDS, type Json, type State, type StateMachineDefinition } from './asl';
import { workflowCandidate } from './candidates';
import {
  GET_ITEM_TASK,
  itemExpirySeconds,
  readCircuitParameters,
  transitionParameters,
  UPDATE_ITEM_TASK,
} from './circuit-tasks';
import { clockStart, clockStates } from './clock';
import { catchers, classifyByExceptionName, kindsCaught } from './error-handling';
import { CONDITION_FAILED } from './error-names';
import { INVOKE_MODEL_TASK, invokeModelBody, JSON_BODY } from './invoke-model';
import type { WorkflowTargets } from './targets';

/**
 * The scheduled recovery workflow of one environment: it half-opens the expired circuits of the
 * environment's Bedrock models in the primary Region, probes each with a minimal request, and
 * closes or re-opens it, with the router's transitions (circuit-tasks.ts).
 */

/** How long the recovery workflow holds a half-open probe lease. */
export const PROBE_LEASE_SECONDS = 60;
/** The recovery probe's own timeout. */
export const PROBE_TIMEOUT_SECONDS = 30;

export const RECOVERY_STATES = {
  read: 'ReadCircuit',
  halfOpen: 'HalfOpen',
  probe: 'Probe',
  classify: 'ClassifyProbeFailure',
  close: 'Close',
  reopen: 'Reopen',
} as const;

/** Names a probe's Catch matches: the `Bedrock.` exceptions and Step Functions' own. */
const PROBE_PREFIXES = ['Bedrock.', 'States.'];

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
    // Circuits the workflows record: those of models called through the InvokeModel integration.
    const c = workflowCandidate(plan, m.id);
    if (c.via !== 'invoke-model') return [];
    const routes = plan.routes.filter((r) => r.candidates.includes(m.id));
    if (routes.length === 0) return [];
    const cooldownSeconds = Math.max(...routes.map((r) => r.resilience.circuitBreaker.cooldownSeconds));
    const windowSeconds = Math.max(...routes.map((r) => r.resilience.circuitBreaker.windowSeconds));
    return [
      {
        pk: circuitKey(m.id, c.region),
        model: m.id,
        invokeId: c.invokeId ?? m.id,
        body: invokeModelBody(m, { value: 'ping' }, { value: 1 }),
        cooldownSeconds,
        expirySeconds: itemExpirySeconds(windowSeconds, cooldownSeconds),
      },
    ];
  });
}

/**
 * The states run for each circuit (the Map's item processor): read it; if OPEN or HALF_OPEN take
 * the probe lease (the condition says whether it is due), probe, then close it or re-open it.
 * Each ends in an outcome naming what it did.
 */
function probeStates(targets: WorkflowTargets): Record<string, State> {
  const r = RECOVERY_STATES;
  const item = { path: '$.item.pk' };
  const update = (name: CircuitTransition, values: Record<string, Json>): Json =>
    transitionParameters(name, targets.circuitTableName, item, values);
  const outcome = (action: string, extra: Record<string, Json> = {}): State => ({
    Type: 'Pass',
    Parameters: { 'pk.$': '$.item.pk', action, ...extra },
    End: true,
  });
  const unreachable = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Unreachable' };
  const probeFailed = (kind: ErrorKind) => `ProbeFailed.${kind}`;
  const states: Record<string, State> = {
    [r.read]: {
      Type: 'Task',
      Resource: GET_ITEM_TASK,
      Parameters: readCircuitParameters(targets.circuitTableName, item),
      ResultPath: '$.circuit',
      Catch: [unreachable],
      Next: 'IsOpen',
    },
    IsOpen: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.circuit.Item.state.S', IsPresent: true },
            {
              Or: [
                { Variable: '$.circuit.Item.state.S', StringEquals: 'OPEN' },
                { Variable: '$.circuit.Item.state.S', StringEquals: 'HALF_OPEN' },
              ],
            },
          ],
          Next: 'Deadlines',
        },
      ],
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
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('halfOpen', { ':lease': { 'N.$': '$.clock.lease' }, ':now': { 'N.$': '$.clock.now' } }),
      ResultPath: null,
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: 'NotDue' }, unreachable],
      Next: r.probe,
    },
    [r.probe]: {
      Type: 'Task',
      Resource: INVOKE_MODEL_TASK,
      Parameters: { 'ModelId.$': '$.item.invokeId', ...JSON_BODY, 'Body.$': '$.item.body' },
      TimeoutSeconds: PROBE_TIMEOUT_SECONDS,
      ResultPath: null,
      Catch: catchers(PROBE_PREFIXES, probeFailed, '$.failure', r.classify),
      Next: r.close,
    },
    [r.classify]: classifyByExceptionName('$.failure', probeFailed),
    [r.close]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
      Parameters: update('close', { ':now': { 'N.$': '$.clock.now' } }),
      ResultPath: null,
      Catch: [{ ErrorEquals: [CONDITION_FAILED], ResultPath: null, Next: 'Lost' }, unreachable],
      Next: 'Closed',
    },
    [r.reopen]: {
      Type: 'Task',
      Resource: UPDATE_ITEM_TASK,
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
  for (const kind of kindsCaught(PROBE_PREFIXES))
    states[probeFailed(kind)] = { Type: 'Pass', Result: { kind }, ResultPath: '$.probe', Next: r.reopen };
  return states;
}

/** The scheduled recovery workflow of one environment. */
export function recoveryWorkflowDefinition(plan: EnvironmentPlan, targets: WorkflowTargets): StateMachineDefinition {
  return {
    Comment: `fm-platform ${plan.name}: half-open expired circuits, probe, close or re-open`,
    QueryLanguage: 'JSONPath',
    StartAt: clockStart('Clock.'),
    TimeoutSeconds: EXPRESS_MAX_SECONDS,
    States: {
      ...clockStates('Clock.', 'Circuits', { lease: { offsetSeconds: PROBE_LEASE_SECONDS, unit: 'ms' } }),
      Circuits: {
        Type: 'Pass',
        Result: { items: probeTargets(plan) as unknown as Json },
        ResultPath: '$.circuits',
        Next: 'ProbeEach',
      },
      ProbeEach: {
        Type: 'Map',
        ItemsPath: '$.circuits.items',
        ItemSelector: { 'item.$': '$$.Map.Item.Value', 'clock.$': '$.clock' },
        MaxConcurrency: 4,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: RECOVERY_STATES.read,
          States: probeStates(targets),
        },
        ResultPath: '$.results',
        Next: 'Summary',
      },
      Summary: { Type: 'Pass', Parameters: { 'circuits.$': '$.results' }, End: true },
    },
  };
}
