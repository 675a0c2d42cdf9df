import { log, setLogSink } from '../../../functions/router/log';

describe('log', () => {
  afterEach(() => setLogSink((line) => process.stdout.write(`${line}\n`)));

  it('writes a line with a note instead of throwing when its fields cannot be serialised', () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => log('info', 'request', { requestId: 'r', prompt: cyclic, big: 1n })).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      message: 'request',
      logError: expect.stringMatching(/^fields not written: /),
      fieldNames: ['requestId', 'prompt', 'big'],
    });
  });

  it('does not throw when the sink does', () => {
    setLogSink(() => {
      throw new Error('stdout closed');
    });
    expect(() => log('error', 'x')).not.toThrow();
  });
});
