import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import { parseDataset, readDataset } from '../../evaluation/dataset';

describe('parseDataset', () => {
  it('reads prompts and conversations, with system text, expected answer and scorer', () => {
    const ds = parseDataset(
      [
        '{"id":"a","prompt":"Say hi","expected":"hi","scorer":{"type":"exact","ignoreCase":false}}',
        '',
        '{"id":"b","system":"Be brief.","messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":[{"text":"4"}]},{"role":"user","content":"and 3+3?"}],"expected":6,"scorer":{"type":"numeric","tolerance":0}}',
      ].join('\n'),
      'inline.jsonl',
    );
    expect(ds.problems).toEqual([]);
    expect(ds.examples).toEqual([
      {
        id: 'a',
        messages: [{ role: 'user', text: 'Say hi' }],
        expected: 'hi',
        scorer: { type: 'exact', ignoreCase: false },
        line: 1,
      },
      {
        id: 'b',
        system: 'Be brief.',
        messages: [
          { role: 'user', text: '2+2?' },
          { role: 'assistant', text: '4' },
          { role: 'user', text: 'and 3+3?' },
        ],
        expected: 6,
        scorer: { type: 'numeric', tolerance: 0 },
        line: 3,
      },
    ]);
  });

  it('fails malformed lines with their line numbers, skips them and keeps the good ones', () => {
    const ds = parseDataset(
      [
        '{"id":"ok-1","prompt":"x","expected":"y","scorer":{"type":"contains"}}',
        '{"id":"broken","prompt":"x",',
        '{"id":"no-scorer","prompt":"x","expected":"y"}',
        '{"id":"fuzzy","prompt":"x","expected":"y","scorer":{"type":"fuzzy"}}',
        '{"id":"bad-regex","prompt":"x","scorer":{"type":"regex","pattern":"(unclosed"}}',
        '{"id":"ok-1","prompt":"again","expected":"y","scorer":{"type":"exact"}}',
        '{"id":"num","prompt":"x","expected":"seven","scorer":{"type":"numeric"}}',
        '{"id":"both","prompt":"x","messages":[{"role":"user","content":"x"}],"expected":"y","scorer":{"type":"exact"}}',
        '{"id":"param","prompt":"x","expected":"y","scorer":{"type":"exact","tolerance":1}}',
        '{"id":"ok-2","prompt":"x","scorer":{"type":"json-schema","schema":{"type":"object","required":["a"]}}}',
      ].join('\n'),
      'inline.jsonl',
    );
    expect(ds.examples.map((e) => [e.id, e.line])).toEqual([
      ['ok-1', 1],
      ['ok-2', 10],
    ]);
    expect(ds.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const byLine = Object.fromEntries(ds.problems.map((p) => [p.line, p.message]));
    expect(byLine[2]).toMatch(/^not valid JSON: /);
    expect(byLine[3]).toBe("(line) must have required property 'scorer'");
    expect(byLine[4]).toBe('/scorer/type must be equal to one of the allowed values');
    expect(byLine[5]).toMatch(/^invalid regular expression: /);
    expect(byLine[6]).toBe('id "ok-1" is already used on line 1');
    expect(byLine[7]).toBe('scorer "numeric" needs "expected" to be a number');
    expect(byLine[8]).toBe('give exactly one of "prompt" and "messages"');
    expect(byLine[9]).toBe('scorer "exact" has no parameter "tolerance" (it takes ignoreCase, normalizeWhitespace)');
  });

  it('reads the shipped example datasets without a problem', () => {
    const classification = readDataset(join(projectRoot, 'evaluation/datasets/classification.jsonl'));
    const multilingual = readDataset(join(projectRoot, 'evaluation/datasets/multilingual.jsonl'));
    expect(classification.problems).toEqual([]);
    expect(multilingual.problems).toEqual([]);
    expect(classification.examples).toHaveLength(20);
    expect(multilingual.examples).toHaveLength(12);
    expect(new Set(multilingual.examples.map((e) => e.id.slice(0, 2)))).toEqual(new Set(['fr', 'de', 'es', 'it']));
    const open = readDataset(join(projectRoot, 'evaluation/datasets/open-answers.jsonl'));
    expect(open.problems).toEqual([]);
    expect(open.examples).toHaveLength(8);
    expect(open.examples.every((e) => e.scorer.type === 'judge' && e.scorer.judge === 'claude-sonnet-4')).toBe(true);
  });

  it('fails judge lines without a rubric or a judge, off the scale, or with a reference that is not text', () => {
    const line = (scorer: Record<string, unknown>, expected?: unknown) =>
      JSON.stringify({
        id: JSON.stringify(scorer) + String(expected),
        prompt: 'q',
        scorer,
        ...(expected !== undefined ? { expected } : {}),
      });
    const ds = parseDataset(
      [
        line({ type: 'judge', rubric: 'answers the question', judge: 'claude-3-haiku' }),
        line({ type: 'judge', rubric: ' ', judge: 'claude-3-haiku' }),
        line({ type: 'judge', rubric: 'r' }),
        line({ type: 'judge', rubric: 'r', judge: 'claude-3-haiku', scale: 1 }),
        line({ type: 'judge', rubric: 'r', judge: 'claude-3-haiku', scale: 4.5 }),
        line({ type: 'judge', rubric: 'r', judge: 'claude-3-haiku' }, 7),
        line({ type: 'judge', rubric: 'r', judge: 'claude-3-haiku', pattern: 'x' }),
      ].join('\n'),
      'judge.jsonl',
    );
    expect(ds.examples.map((e) => e.line)).toEqual([1]);
    expect(ds.problems).toEqual([
      { line: 2, message: 'scorer "judge" needs a "rubric": what a good answer does' },
      { line: 3, message: 'scorer "judge" needs "judge": the catalog id of the judge model, e.g. "claude-haiku-4-5"' },
      { line: 4, message: 'judge scale must be a whole number from 2 to 10, but 1 was given' },
      { line: 5, message: 'judge scale must be a whole number from 2 to 10, but 4.5 was given' },
      { line: 6, message: 'scorer "judge" takes "expected" as a string: the reference answer the judge compares with' },
      { line: 7, message: 'scorer "judge" has no parameter "pattern" (it takes rubric, scale, judge)' },
    ]);
  });
});
