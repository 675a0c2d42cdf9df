import { loadProject } from '../../catalog';
import { ERROR_KINDS } from '../../functions/router/error-kinds';
import type { StateMachineDefinition } from '../../workflows/asl';
import { recoveryWorkflowDefinition, routeWorkflowDefinition, routeWorkflowDefinitions, stateNames } from '../../workflows/definitions';
import { kindOfErrorName, retryableErrorNames, STEP_FUNCTIONS_ERROR_KINDS } from '../../workflows/error-names';
import { execute } from './harness';
import { clockStart, clockStates } from '../../workflows/clock';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };

const plans = loadProject().plans;
const targets = { circuitTableName: 'fm-test-circuits', routerFunctionArn: 'arn:aws:lambda:us-east-1:333333333333:function:fm-prod-router' };

/** asl-validator mutates its input: give it a deep copy, and no options (an options object replaces every default). */
const validate = (d: StateMachineDefinition) => aslValidator(JSON.parse(JSON.stringify(d)) as unknown);

describe('workflow definitions', () => {
  const all = plans.flatMap((plan) => [
    ...Object.entries(routeWorkflowDefinitions(plan, targets)).map(([route, d]) => [`${plan.name} route ${route}`, d] as const),
    [`${plan.name} recovery`, recoveryWorkflowDefinition(plan, targets)] as const,
  ]);

  it.each(all)('%s passes asl-validator', (_, definition) => {
    const result = validate(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each(all)('%s fits an Express workflow (timeout <= 300 s, definition < 1 MB)', (_, definition) => {
    expect(definition.TimeoutSeconds).toBeLessThanOrEqual(300);
    expect(JSON.stringify(definition).length).toBeLessThan(1_000_000);
  });

  it('retries with the route resilience: full jitter, capped delay, attemptsPerModel - 1 retries', () => {
    const prod = plans.find((p) => p.name === 'prod')!;
    const invoke = routeWorkflowDefinition(prod, 'chat', targets).States[stateNames('claude-3-haiku').invoke];
    expect(invoke.Retry).toEqual([{ ErrorEquals: retryableErrorNames().filter((n) => n.startsWith('Bedrock.')), IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 1, MaxDelaySeconds: 1, JitterStrategy: 'FULL' }]);
    expect(invoke.TimeoutSeconds).toBe(10);
    expect((invoke.Catch as { ErrorEquals: string[] }[]).at(-1)?.ErrorEquals).toEqual(['States.ALL']);
  });

  it('maps every caught error name to a router error kind', () => {
    for (const kind of Object.values(STEP_FUNCTIONS_ERROR_KINDS)) expect(ERROR_KINDS).toContain(kind);
    expect(kindOfErrorName('Bedrock.ThrottlingException')).toBe('throttled');
    expect(kindOfErrorName('Something.Else')).toBe('unknown');
  });

  it('fails if a route is not in the plan', () => {
    expect(() => routeWorkflowDefinition(plans[0], 'nope', targets)).toThrow(`workflow: route "nope" is not in the plan of ${plans[0].name}`);
  });
});

describe('workflow clock', () => {
  const definition: StateMachineDefinition = {
    Comment: 'clock',
    QueryLanguage: 'JSONPath',
    StartAt: clockStart('Clock.'),
    TimeoutSeconds: 10,
    States: { ...clockStates('Clock.', 'Done', { later: { offsetSeconds: 30, unit: 'ms' }, ttl: { offsetSeconds: 3600, unit: 's' } }), Done: { Type: 'Pass', OutputPath: '$.clock', End: true } },
  };

  it.each(['2026-11-29T07:19:55.123Z', '2028-02-29T23:59:59.007Z', '2020-01-01T00:00:00.000Z', '2031-12-31T12:00:00.999Z', '2037-12-31T23:59:59.999Z'])('computes epoch ms from EnteredTime %s', async (iso) => {
    const now = Date.parse(iso);
    await expect(execute(definition, {}, {}, now)).resolves.toMatchObject({ nowMs: now, now: String(now), later: String(now + 30_000), ttl: String(Math.floor(now / 1000) + 3600) });
  });
});
