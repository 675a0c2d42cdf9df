import type { StateMachineDefinition } from '../../workflows/asl';
import { clockStart, clockStates } from '../../workflows/clock';
import { execute } from './harness';

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
