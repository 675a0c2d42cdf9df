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
});
