import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempProject } from '../support/project';
import { projectRoot } from '../../catalog/paths';
import { cliPath } from '../support/cli';

/** `npm run dev` with these arguments, stopped after `timeout` ms if it keeps serving (then status is null). */
const dev = (args: readonly string[], timeout = 30_000) =>
  spawnSync(process.execPath, [cliPath('dev'), ...args], { cwd: projectRoot, encoding: 'utf8', timeout });

describe('npm run dev', () => {
  it.each([
    [
      ['--throttle', 'claude-haiku-4-5=abc'],
      '--throttle claude-haiku-4-5=abc: RATE must be a share of calls from 0 to 1, not "abc"',
    ],
    [['--throttle', 'claude-haiku-4-5=1.5'], 'RATE must be a share of calls from 0 to 1, not "1.5"'],
    [['--slow', 'nova-lite=fast'], '--slow nova-lite=fast: MS must be a whole number of milliseconds, not "fast"'],
    [['--fail', 'nova-lite=Oops'], '--fail nova-lite=Oops: ERROR must be one of ThrottlingException'],
    [['--down', 'nova-mikro'], '--down nova-mikro: no model "nova-mikro" in the routing table'],
    [['--down', 'nova-lite@eu-west-9'], '--down nova-lite@eu-west-9: "nova-lite" is called in us-east-1'],
    [['--aws', '--down', 'nova-lite'], 'act on the simulators, which --aws replaces by real AWS'],
    [['--port', 'http'], '--port must be a port number (0 picks a free one), not "http"'],
    [['--budget', 'demo=lots'], '--budget demo=lots: takes CONSUMER=USD, a consumer name and a positive number'],
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

  it('retargets the running gateway when the environment file changes, and refuses an invalid edit with its located errors', async () => {
    const { catalogPath, environmentsDir } = tempProject();
    const child = spawn(
      process.execPath,
      [
        cliPath('dev'),
        '--port',
        '0',
        '--quiet',
        '--poll',
        '1',
        '--catalog',
        catalogPath,
        '--environments',
        environmentsDir,
      ],
      { cwd: projectRoot },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const until = async (what: () => boolean, ms = 20_000) => {
      const end = Date.now() + ms;
      while (!what()) {
        if (Date.now() > end) throw new Error(`timed out; stdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const model = async (url: string) => {
      const res = await fetch(`${url}/v1/routes/classify/converse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Is this spam?' }] }] }),
      });
      return ((await res.json()) as { model?: string }).model;
    };
    try {
      await until(() => /on (http:\/\/127\.0\.0\.1:\d+)/.test(out));
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
      expect(await model(url)).toBe('nova-micro');

      const envPath = join(environmentsDir, 'dev.json');
      const env = JSON.parse(readFileSync(envPath, 'utf8')) as { routes: { id: string; target?: string }[] };
      const classify = env.routes.find((r) => r.id === 'classify');
      if (classify === undefined) throw new Error('dev.json has no classify route');
      classify.target = 'nova-lite';
      writeFileSync(envPath, JSON.stringify(env, null, 2));
      await until(() => out.includes('published catalog'));
      const deadline = Date.now() + 5000;
      let now = await model(url);
      while (now !== 'nova-lite' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        now = await model(url);
      }
      expect(now).toBe('nova-lite');

      classify.target = 'nova-mikro';
      writeFileSync(envPath, JSON.stringify(env, null, 2));
      await until(() => err.includes('refused the edit'));
      expect(err).toContain(`error[unknown-model] ${envPath}:`);
      expect(err).toContain('unknown model "nova-mikro"');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await model(url)).toBe('nova-lite');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('enforces a --budget on the local ledger: the consumer is answered, then refused with 429 and Retry-After', async () => {
    const child = spawn(process.execPath, [cliPath('dev'), '--port', '0', '--quiet', '--budget', 'demo=0.00002'], {
      cwd: projectRoot,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const end = Date.now() + 20_000;
      while (!/on (http:\/\/127\.0\.0\.1:\d+)/.test(out) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
      expect(out).toContain('demo (monthlyBudgetUsd 0.00002)');
      const ask = () =>
        fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-fm-consumer': 'demo' },
          body: JSON.stringify({ model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'Hello' }] }),
        });
      const first = await ask();
      expect(first.status).toBe(200);
      expect(Number(first.headers.get('x-fm-cost-usd'))).toBeGreaterThan(0);
      let refused: Response | undefined;
      for (let i = 0; i < 30 && refused === undefined; i++) {
        const res = await ask();
        if (res.status === 429) refused = res;
      }
      expect(refused?.status).toBe(429);
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
