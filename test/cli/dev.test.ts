import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../catalog/paths';
import { cliPath } from '../support/cli';

/** `npm run dev` with these arguments, stopped after `timeout` ms if it keeps serving (then status is null). */
const dev = (args: readonly string[], timeout = 30_000) =>
  spawnSync(process.execPath, [cliPath('dev'), ...args], { cwd: projectRoot, encoding: 'utf8', timeout });

describe('npm run dev', () => {
  it.each([
    [
      ['--throttle', 'claude-3-haiku=abc'],
      '--throttle claude-3-haiku=abc: RATE must be a share of calls from 0 to 1, not "abc"',
    ],
    [['--throttle', 'claude-3-haiku=1.5'], 'RATE must be a share of calls from 0 to 1, not "1.5"'],
    [['--slow', 'nova-lite=fast'], '--slow nova-lite=fast: MS must be a whole number of milliseconds, not "fast"'],
    [['--fail', 'nova-lite=Oops'], '--fail nova-lite=Oops: ERROR must be one of ThrottlingException'],
    [['--down', 'nova-mikro'], '--down nova-mikro: no model "nova-mikro" in the routing table'],
    [['--down', 'nova-lite@eu-west-9'], '--down nova-lite@eu-west-9: "nova-lite" is called in us-east-1'],
    [['--aws', '--down', 'nova-lite'], 'act on the simulators, which --aws replaces by real AWS'],
    [['--port', 'http'], '--port must be a port number (0 picks a free one), not "http"'],
  ])('fails with exit 2, before starting anything, for %j', (args, message) => {
    const r = dev(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('fails with exit 1 and one line, no stack trace, when the port is busy', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = dev(['--port', String(port), '--quiet']);
      expect(r.status).toBe(1);
      // (Node 20 also gets the AWS SDK's version notice on stderr; the command's own output is its last line.)
      expect(r.stderr.trim().split('\n').pop()).toBe(
        `port ${port} is in use on 127.0.0.1: stop what listens there, or pass --port N (0 picks a free one)`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});
