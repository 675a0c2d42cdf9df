import type { State } from './asl';

/**
 * "Now" in epoch milliseconds inside a JSONPath state machine, from `$$.State.EnteredTime`.
 *
 * The circuit item stores epoch-ms numbers (DynamoDB `N`, strings in DynamoDB JSON) written by the
 * router; JSONPath has no date arithmetic and no way to compare an ISO timestamp with a number. So
 * these Pass states split the ISO timestamp with single-character `States.StringSplit` calls, turn
 * its fields into numbers (`States.Format('1{}', '07')` then `- 100`: `StringToJson('07')` is not
 * JSON), look up the seconds of each field in constant tables (years since 2020, month starts for
 * common and leap years, days, hours, minutes) and add them with `States.MathAdd`, every operand a
 * 32-bit integer. The epoch-ms value is then a string concatenation of epoch seconds and three
 * millisecond digits (`States.Format('{}{}', seconds, '123')`), which is both the `N` value to
 * write and, through `States.StringToJson`, a number a Choice state compares with
 * `States.StringToJson(item.openUntil.N)`.
 *
 * The timestamp's fraction of a second may have any number of digits, or none (ISO 8601 does not
 * fix it; https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 * shows three). Its milliseconds are its first three digits: `'1.' + digits + 'e3'` read as a JSON
 * number is 1000 + the fraction in milliseconds (`1.1e3` = 1100, `1.123456e3` = 1123.456, no
 * fraction: `1.0e3`), whose integer part (the text before its `.`, in either service's rendering)
 * minus 1000 is a number from 0 to 999; a Choice pads it to three digits.
 *
 * Limits, by construction: years 2020 to 2087 (the table); epoch seconds exceed 2^31 on
 * 2038-01-19, and whether `States.MathAdd` accepts sums above 2^31 is not documented (UNCERTAIN):
 * moving these states to JSONata (`$toMillis($states.context.State.EnteredTime)`) removes both
 * limits once the local interpreter used in the tests supports JSONata.
 */
export const CLOCK_FIRST_YEAR = 2020;
export const CLOCK_LAST_YEAR = 2087;
const EPOCH_OF_FIRST_YEAR = Date.UTC(CLOCK_FIRST_YEAR, 0, 1) / 1000;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** The constant tables, in seconds. */
export function clockTables(): { y: number[]; leap: number[]; m: number[]; d: number[]; h: number[]; mi: number[] } {
  const years = CLOCK_LAST_YEAR - CLOCK_FIRST_YEAR + 1;
  const monthStarts = (leap: boolean) =>
    range(12, (m) => (Date.UTC(leap ? 2024 : 2025, m, 1) - Date.UTC(leap ? 2024 : 2025, 0, 1)) / 1000);
  return {
    y: range(years, (i) => Date.UTC(CLOCK_FIRST_YEAR + i, 0, 1) / 1000 - EPOCH_OF_FIRST_YEAR),
    leap: range(years, (i) => (isLeap(CLOCK_FIRST_YEAR + i) ? 12 : 0)),
    m: [...monthStarts(false), ...monthStarts(true)],
    d: range(31, (i) => i * 86400),
    h: range(24, (i) => i * 3600),
    mi: range(60, (i) => i * 60),
  };
}

/** A value derived from now: epoch ms (`ms`) or epoch seconds (`s`), `offsetSeconds` later. */
export interface ClockValue {
  readonly offsetSeconds: number;
  readonly unit: 'ms' | 's';
}

const field = (array: string, index: number, minus: number) =>
  `States.MathAdd(States.StringToJson(States.Format('1{}', States.ArrayGetItem(${array}, ${index}))), ${-minus})`;

/**
 * The clock's states, `prefix` on each name, ending at `next`. The result, at `$.clock`:
 * `epochSeconds` (number), `ms` (three digits), `nowMs` (number), `now` (string) and one
 * string per entry of `values` (DynamoDB `N` values).
 */
export function clockStates(
  prefix: string,
  next: string,
  values: Readonly<Record<string, ClockValue>> = {},
): Record<string, State> {
  const t = (n: string) => `${prefix}${n}`;
  const derived: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    const seconds =
      v.offsetSeconds === 0 ? '$.clock.epochSeconds' : `States.MathAdd($.clock.epochSeconds, ${v.offsetSeconds})`;
    derived[`${name}.$`] =
      v.unit === 'ms' ? `States.Format('{}{}', ${seconds}, $.clock.ms)` : `States.JsonToString(${seconds})`;
  }
  // The milliseconds, padded to three digits.
  const padded = (format: string): State => ({
    Type: 'Pass',
    Parameters: { 'epochSeconds.$': '$.clock.epochSeconds', 'ms.$': `States.Format('${format}', $.clock.msNumber)` },
    ResultPath: '$.clock',
    Next: t('Values'),
  });
  return {
    [t('Tables')]: { Type: 'Pass', Result: { t: clockTables() }, ResultPath: '$.clock', Next: t('Split') },
    [t('Split')]: {
      Type: 'Pass',
      Parameters: {
        't.$': '$.clock.t',
        'date.$': "States.StringSplit(States.ArrayGetItem(States.StringSplit($$.State.EnteredTime, 'T'), 0), '-')",
        'time.$': "States.StringSplit(States.ArrayGetItem(States.StringSplit($$.State.EnteredTime, 'T'), 1), ':')",
      },
      ResultPath: '$.clock',
      Next: t('Fields'),
    },
    [t('Fields')]: {
      Type: 'Pass',
      Parameters: {
        't.$': '$.clock.t',
        'y.$': `States.MathAdd(States.StringToJson(States.ArrayGetItem($.clock.date, 0)), ${-CLOCK_FIRST_YEAR})`,
        'mo.$': field('$.clock.date', 1, 101),
        'd.$': field('$.clock.date', 2, 101),
        'h.$': field('$.clock.time', 0, 100),
        'mi.$': field('$.clock.time', 1, 100),
        // "55.123Z" or "55Z": without the Z and with ".0" appended, [seconds, fraction, ...] or [seconds, "0"].
        'sec.$':
          "States.StringSplit(States.Format('{}.0', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem($.clock.time, 2), 'Z'), 0)), '.')",
      },
      ResultPath: '$.clock',
      Next: t('Parts'),
    },
    [t('Parts')]: {
      Type: 'Pass',
      Parameters: {
        'y.$': 'States.ArrayGetItem($.clock.t.y, $.clock.y)',
        'mo.$':
          'States.ArrayGetItem($.clock.t.m, States.MathAdd($.clock.mo, States.ArrayGetItem($.clock.t.leap, $.clock.y)))',
        'd.$': 'States.ArrayGetItem($.clock.t.d, $.clock.d)',
        'h.$': 'States.ArrayGetItem($.clock.t.h, $.clock.h)',
        'mi.$': 'States.ArrayGetItem($.clock.t.mi, $.clock.mi)',
        's.$': field('$.clock.sec', 0, 100),
        // 1000 + the fraction in milliseconds, as text ("1123.456", "1100", or "1100.0" where a double keeps its point).
        'ms1000.$':
          "States.JsonToString(States.StringToJson(States.Format('1.{}e3', States.ArrayGetItem($.clock.sec, 1))))",
      },
      ResultPath: '$.clock',
      Next: t('Sum'),
    },
    [t('Sum')]: {
      Type: 'Pass',
      Parameters: {
        'epochSeconds.$': `States.MathAdd(States.MathAdd(States.MathAdd(States.MathAdd(States.MathAdd(States.MathAdd($.clock.y, $.clock.mo), $.clock.d), $.clock.h), $.clock.mi), $.clock.s), ${EPOCH_OF_FIRST_YEAR})`,
        'msNumber.$':
          "States.MathAdd(States.StringToJson(States.ArrayGetItem(States.StringSplit($.clock.ms1000, '.'), 0)), -1000)",
      },
      ResultPath: '$.clock',
      Next: t('Pad'),
    },
    [t('Pad')]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.clock.msNumber', NumericLessThan: 10, Next: t('Ms00') },
        { Variable: '$.clock.msNumber', NumericLessThan: 100, Next: t('Ms0') },
      ],
      Default: t('Ms'),
    },
    [t('Ms00')]: padded('00{}'),
    [t('Ms0')]: padded('0{}'),
    [t('Ms')]: padded('{}'),
    [t('Values')]: {
      Type: 'Pass',
      Parameters: {
        'epochSeconds.$': '$.clock.epochSeconds',
        'ms.$': '$.clock.ms',
        'now.$': "States.Format('{}{}', $.clock.epochSeconds, $.clock.ms)",
        'nowMs.$': "States.StringToJson(States.Format('{}{}', $.clock.epochSeconds, $.clock.ms))",
        ...derived,
      },
      ResultPath: '$.clock',
      Next: next,
    },
  };
}

/** The first state of `clockStates(prefix, ...)`. */
export const clockStart = (prefix: string): string => `${prefix}Tables`;
