import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { writeRouterPackage } from '../../../modules/router/bundle';
import { zipFiles } from '../../../modules/router/zip';
import { tempDir } from '../../support/temp-dir';

// The real zipFiles, counted: the package record must spare a later synth the compression.
jest.mock('../../../modules/router/zip', () => {
  const actual = jest.requireActual<typeof import('../../../modules/router/zip')>('../../../modules/router/zip');
  return { ...actual, zipFiles: jest.fn(actual.zipFiles) };
});

/** Reads a zip back through its central directory, as unzip and Lambda do. */
function unzip(zip: Buffer): Record<string, string> {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out[name] = inflateRawSync(zip.subarray(dataStart, dataStart + size)).toString('utf8');
    at += 46 + nameLength;
  }
  return out;
}

describe('zipFiles', () => {
  const files = [
    { name: 'index.js', content: Buffer.from('exports.handler = async () => ({ statusCode: 200 });\n'.repeat(50)) },
    { name: 'routing-table.json', content: Buffer.from('{"schemaVersion":1}') },
  ];

  it('writes an archive whose entries read back unchanged', () => {
    expect(unzip(zipFiles(files))).toEqual({
      'index.js': files[0].content.toString(),
      'routing-table.json': '{"schemaVersion":1}',
    });
  });

  it('gives the same bytes for the same files, so the source hash moves only with the content', () => {
    expect(zipFiles(files).equals(zipFiles(files))).toBe(true);
    expect(
      zipFiles(files).equals(
        zipFiles([files[0], { name: 'routing-table.json', content: Buffer.from('{"schemaVersion":2}') }]),
      ),
    ).toBe(false);
  });
});

describe('writeRouterPackage', () => {
  const bundle = { code: Buffer.from('exports.handler = async () => ({});'), map: Buffer.from('{"version":3}') };

  it('reuses the package of the same inputs, and writes a new one when the table changes', () => {
    const dir = tempDir('fm-router-package-');
    const first = writeRouterPackage(bundle, '{"schemaVersion":1}', dir);
    const zipStat = statSync(first.path).mtimeMs;
    jest.mocked(zipFiles).mockClear();
    const again = writeRouterPackage(bundle, '{"schemaVersion":1}', dir);
    expect(zipFiles).not.toHaveBeenCalled(); // the record answered: nothing compressed again
    expect(again).toEqual(first);
    expect(statSync(again.path).mtimeMs).toBe(zipStat);
    expect(createHash('sha256').update(readFileSync(first.path)).digest('base64')).toBe(first.sha256);

    const changed = writeRouterPackage(bundle, '{"schemaVersion":2}', dir);
    expect(changed.path).not.toBe(first.path);
    expect(unzip(readFileSync(changed.path))['routing-table.json']).toBe('{"schemaVersion":2}');
  });

  it('writes the package again when its record outlived it', () => {
    const dir = tempDir('fm-router-package-');
    const first = writeRouterPackage(bundle, '{"schemaVersion":1}', dir);
    rmSync(first.path);
    expect(writeRouterPackage(bundle, '{"schemaVersion":1}', dir)).toEqual(first);
    expect(existsSync(first.path)).toBe(true);
  });
});
