import type { StateMachineDefinition } from '../../workflows/asl';
import { clockStart, clockStates } from '../../workflows/clock';
import { execute } from './harness';

describe('workflow clock', () => {
  const definition: StateMachineDefinition = {
    Comment: 'clock',
    QueryLanguage: 'JSONPath',
    StartAt: clockStart('Clock.'),
    TimeoutSeconds: 10,
    States: {
      ...clockStates('Clock.', 'Done', {
        later: { offsetSeconds: 30, unit: 'ms' },
        ttl: { offsetSeconds: 3600, unit: 's' },
      }),
      Done: { Type: 'Pass', OutputPath: '$.clock', End: true },
    },
  };

  it.each([
    '2026-11-29T07:19:55.123Z',
    '2028-02-29T23:59:59.007Z',
    '2020-01-01T00:00:00.000Z',
    '2031-12-31T12:00:00.999Z',
    '2037-12-31T23:59:59.999Z',
  ])('computes epoch ms from EnteredTime %s', async (iso) => {
    const now = Date.parse(iso);
    await expect(execute(definition, {}, {}, now)).resolves.toMatchObject({
      nowMs: now,
      now: String(now),
      later: String(now + 30_000),
      ttl: String(Math.floor(now / 1000) + 3600),
    });
  });

  // ISO 8601 leaves the fraction's length open: none, or 1 to 9 digits. The milliseconds are its first three.
  it.each([
    '2026-11-29T07:19:55Z',
    '2026-11-29T07:19:55.1Z',
    '2026-11-29T07:19:55.12Z',
    '2026-11-29T07:19:55.1234Z',
    '2026-11-29T07:19:55.12345Z',
    '2026-11-29T07:19:55.123456Z',
    '2026-11-29T07:19:55.1234567Z',
    '2026-11-29T07:19:55.12345678Z',
    '2026-11-29T07:19:55.123456789Z',
    '2026-11-29T07:19:55.0Z',
    '2026-11-29T07:19:55.05Z',
    '2026-11-29T07:19:55.000000001Z',
    '2028-02-29T23:59:59.999999999Z',
  ])('computes epoch ms from EnteredTime %s, whatever the number of fraction digits', async (entered) => {
    const [whole, fraction = ''] = entered.slice(0, -1).split('.');
    const ms = (fraction + '000').slice(0, 3);
    const now = Date.parse(`${whole}Z`) + Number(ms);
    await expect(execute(definition, {}, {}, entered)).resolves.toMatchObject({
      ms,
      nowMs: now,
      now: String(now),
      later: String(now + 30_000),
      ttl: String(Math.floor(now / 1000) + 3600),
    });
  });
});
