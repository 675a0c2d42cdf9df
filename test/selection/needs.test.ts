import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNeedsFile } from '../../selection/needs';
import { tempDir } from '../support/temp-dir';

function needsFile(text: string): string {
  const path = join(tempDir('needs-'), 'needs.json');
  writeFileSync(path, text);
  return path;
}

describe('readNeedsFile', () => {
  it('reads a valid needs file', () => {
    const r = readNeedsFile(
      needsFile(
        '{ "languages": ["fr", "de"], "streaming": true, "traffic": { "requestsPerDay": 100, "inputTokensPerRequest": 50, "outputTokensPerRequest": 5 } }',
      ),
    );
    expect(r).toEqual({
      ok: true,
      needs: {
        languages: ['fr', 'de'],
        streaming: true,
        traffic: { requestsPerDay: 100, inputTokensPerRequest: 50, outputTokensPerRequest: 5 },
      },
    });
  });

  it('fails on malformed JSON with the line and column of the mistake', () => {
    const path = needsFile('{\n  "languages": ["fr",]\n}\n');
    const r = readNeedsFile(path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({
      rule: 'json-syntax',
      file: path,
      line: 2,
      column: 22,
      message: 'not valid JSON: a value was expected (no trailing comma before ] or })',
    });
  });

  it('fails on an unknown property with its location and a did-you-mean', () => {
    const r = readNeedsFile(needsFile('{\n  "languages": ["fr"],\n  "minContextWindow": 16000\n}'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      expect.objectContaining({
        rule: 'needs',
        pointer: '/minContextWindow',
        line: 3,
        column: 3,
        message: 'unknown property "minContextWindow"',
        fix: 'did you mean "minContextWindowTokens"?',
      }),
    ]);
  });

  it('fails on a wrong value type and an unknown modality, each at its own line', () => {
    const r = readNeedsFile(needsFile('{\n  "toolUse": "yes",\n  "inputModalities": ["text", "smell"]\n}'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.pointer, i.line, i.message])).toEqual([
      ['/toolUse', 2, '"yes" must be boolean'],
      ['/inputModalities/1', 3, '"smell" must be equal to one of the allowed values'],
    ]);
  });
});
