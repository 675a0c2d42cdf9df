import { levenshteinSimilarity, scoreAnswer, tokenF1 } from '../../evaluation/scorers';

describe('scoreAnswer', () => {
  it('matches exactly after normalizing whitespace and case, unless told not to', () => {
    expect(scoreAnswer({ type: 'exact' }, 'Billing', '  billing \n').score).toBe(1);
    expect(scoreAnswer({ type: 'exact', ignoreCase: false }, 'Billing', 'billing')).toEqual({
      score: 0,
      detail: 'expected "Billing"',
    });
    expect(scoreAnswer({ type: 'exact' }, 'billing', 'billing issue').score).toBe(0);
  });

  it('checks that all (or any) expected strings are contained', () => {
    expect(scoreAnswer({ type: 'contains' }, 'Rome', 'La capitale est Rome.').score).toBe(1);
    expect(scoreAnswer({ type: 'contains' }, ['rome', 'italie'], 'Rome')).toEqual({
      score: 0,
      detail: 'missing "italie"',
    });
    expect(scoreAnswer({ type: 'contains', match: 'any' }, ['rome', 'italie'], 'Rome').score).toBe(1);
  });

  it('tests a regular expression from the pattern parameter or the expected text', () => {
    expect(scoreAnswer({ type: 'regex', pattern: '^ticket-\\d{4}$' }, undefined, 'ticket-1234').score).toBe(1);
    expect(scoreAnswer({ type: 'regex', flags: 'i' }, '^YES\\b', 'yes, sure').score).toBe(1);
    expect(scoreAnswer({ type: 'regex', pattern: '^\\d+$' }, undefined, 'twelve').score).toBe(0);
  });

  it('validates JSON in the answer (bare or fenced) against a schema', () => {
    const scorer = {
      type: 'json-schema' as const,
      schema: { type: 'object', required: ['label'], properties: { label: { enum: ['a', 'b'] } } },
    };
    expect(scoreAnswer(scorer, undefined, '{"label":"a"}').score).toBe(1);
    expect(scoreAnswer(scorer, undefined, 'Here:\n```json\n{"label": "b"}\n```').score).toBe(1);
    expect(scoreAnswer(scorer, undefined, '{"label":"c"}').score).toBe(0);
    expect(scoreAnswer(scorer, undefined, 'no json here')).toEqual({ score: 0, detail: 'no JSON in the answer' });
  });

  it('accepts a number within the absolute or relative tolerance', () => {
    expect(scoreAnswer({ type: 'numeric', tolerance: 0.5 }, 42, 'About 42.4 units').score).toBe(1);
    expect(scoreAnswer({ type: 'numeric', relativeTolerance: 0.01 }, 1000, 'It is 1,009.').score).toBe(1);
    expect(scoreAnswer({ type: 'numeric' }, 7, 'seven').score).toBe(0);
    expect(scoreAnswer({ type: 'numeric', tolerance: 1 }, 10, '12').score).toBe(0);
  });

  it('scores similarity as token F1 by default, or normalized Levenshtein, with an optional threshold', () => {
    expect(
      scoreAnswer({ type: 'similarity' }, 'Votre commande a été expédiée.', 'votre commande a été expédiée').score,
    ).toBe(1);
    // 3 of the 4 answer words are among the 5 expected words: precision 3/4, recall 3/5, F1 = 2/3.
    expect(
      scoreAnswer({ type: 'similarity' }, 'Il negozio apre alle', 'Il negozio apre domani mattina').score,
    ).toBeCloseTo(2 / 3, 10);
    expect(scoreAnswer({ type: 'similarity', metric: 'levenshtein' }, 'kitten', 'sitting').score).toBeCloseTo(
      1 - 3 / 7,
      10,
    );
    expect(
      scoreAnswer({ type: 'similarity', threshold: 0.7 }, 'Il negozio apre alle', 'Il negozio apre domani mattina')
        .score,
    ).toBe(0);
  });
});

describe('similarity measures', () => {
  it('counts repeated words once per occurrence in token F1', () => {
    expect(tokenF1('the the the', 'the cat')).toBeCloseTo((2 * (1 / 3) * (1 / 2)) / (1 / 3 + 1 / 2), 10);
  });

  it('treats accented letters as different from plain ones', () => {
    expect(tokenF1('expédiée', 'expediee')).toBe(0);
    expect(levenshteinSimilarity('expédiée', 'expediee')).toBeCloseTo(1 - 2 / 8, 10);
  });
});
