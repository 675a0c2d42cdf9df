import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonText, readJsonFile } from '../../catalog/json-file';
import { tempDir } from '../support/temp-dir';

describe('readJsonFile', () => {
  const dir = tempDir('fm-json-');

  it('fails with a clear message for a missing file', () => {
    const result = readJsonFile(join(dir, 'absent.json'), 'absent.json');
    expect(result).toMatchObject({
      ok: false,
      issues: [
        { rule: 'file-unreadable', file: 'absent.json', message: `file not found: ${join(dir, 'absent.json')}` },
      ],
    });
  });

  it('fails with a clear message for a folder', () => {
    expect(readJsonFile(dir, 'x')).toMatchObject({
      ok: false,
      issues: [{ message: `expected a file, found a folder: ${dir}` }],
    });
  });

  it('fails for an empty file', () => {
    const path = join(dir, 'empty.json');
    writeFileSync(path, '  \n');
    expect(readJsonFile(path, 'empty.json')).toMatchObject({
      ok: false,
      issues: [{ rule: 'json-syntax', message: 'the file is empty' }],
    });
  });
});

describe('parseJsonText', () => {
  it('fails on a trailing comma with its line and column', () => {
    const result = parseJsonText('{\n  "a": 1,\n}\n', 'f.json');
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          line: 3,
          column: 1,
          message: 'not valid JSON: a property name was expected (keys need double quotes; no trailing comma before })',
        },
      ],
    });
  });

  it('fails on comments, which strict JSON does not allow', () => {
    const result = parseJsonText('{\n  // note\n  "a": 1\n}', 'f.json');
    expect(result).toMatchObject({
      ok: false,
      issues: [{ line: 2, column: 3, message: 'not valid JSON: comments are not allowed' }],
    });
  });

  it('fails on a key given twice, which JSON.parse would silently collapse', () => {
    const result = parseJsonText('{"models": [], "version": "1", "models": []}', 'f.json');
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          rule: 'json-duplicate-key',
          line: 1,
          column: 32,
          message: 'the key "models" appears twice in one object; JSON readers keep only the last',
        },
      ],
    });
  });

  it('locates a value by JSON Pointer, or its nearest existing parent', () => {
    const result = parseJsonText('{\n  "routes": [\n    { "id": "chat" }\n  ]\n}', 'f.json');
    if (!result.ok) throw new Error('should parse');
    expect(result.doc.locate('/routes/0/id')).toEqual({ line: 3, column: 7 });
    expect(result.doc.locate('/routes/0/target')).toEqual({ line: 3, column: 5 });
    expect(result.doc.locate('/nothing/here')).toEqual({ line: 1, column: 1 });
  });

  it('parses a file that starts with a byte-order mark, and still locates values', () => {
    const result = parseJsonText('\uFEFF{\n  "routes": [\n    { "id": "chat" }\n  ]\n}', 'f.json');
    if (!result.ok) throw new Error(`should parse: ${JSON.stringify(result.issues)}`);
    expect(result.doc.value).toEqual({ routes: [{ id: 'chat' }] });
    expect(result.doc.locate('/routes/0/id')).toEqual({ line: 3, column: 7 });
  });

  it('fails with a located issue, not a stack overflow, on a document nested 10,000 levels deep', () => {
    const deep = `{"models": ${'['.repeat(10_000)}1${']'.repeat(10_000)}}`;
    expect(parseJsonText(deep, 'f.json')).toEqual({
      ok: false,
      issues: [
        expect.objectContaining({
          rule: 'json-syntax',
          line: 1,
          column: 12 + 63,
          message: 'the document nests deeper than 64 levels of arrays and objects',
        }),
      ],
    });
  });

  it('counts a bare carriage return as a line end when it locates an issue', () => {
    const result = parseJsonText('{\r  "a": 1,\r  "a": 2\r}', 'f.json');
    expect(result).toMatchObject({ ok: false, issues: [{ rule: 'json-duplicate-key', line: 3, column: 3 }] });
  });

  it('names the JSON path of a key given twice', () => {
    const result = parseJsonText('{"routes": [{"id": "a"}, {"id": "b", "target": "x", "id": "c"}]}', 'f.json');
    expect(result).toMatchObject({ ok: false, issues: [{ rule: 'json-duplicate-key', pointer: '/routes/1/id' }] });
  });

  it('fails on a number too large for JSON readers instead of reading it as null', () => {
    const result = parseJsonText('{"pricing": {"inputPerMillionTokensUsd": 1e400}}', 'f.json');
    expect(result).toMatchObject({
      ok: false,
      issues: [
        {
          rule: 'json-syntax',
          pointer: '/pricing/inputPerMillionTokensUsd',
          line: 1,
          column: 42,
          message: 'the number 1e400 is beyond what JSON readers can hold (it reads as Infinity)',
        },
      ],
    });
  });
});
