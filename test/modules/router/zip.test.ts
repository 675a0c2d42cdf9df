import { inflateRawSync } from 'node:zlib';
import { zipFiles } from '../../../modules/router/zip';

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
