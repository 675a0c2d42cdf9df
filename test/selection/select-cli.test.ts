import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { tempDir } from '../support/temp-dir';

const select = (args: string[]) => runCli('select', args);

describe('npm run select', () => {
  it('ranks the models of a route with weights, reasons and the excluded models', () => {
    const r = select(['--route', 'translate', '--top', '2', '--weights', 'quality=1,latency=0,cost=0']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Models for route "translate" in prod (us-east-1)');
    expect(r.stdout).toContain('weights: quality 1.00, latency 0.00, cost 0.00');
    expect(r.stdout).toMatch(/^1\. claude-sonnet-4 {2}score 0\.750 {2}quality 0\.75 \(unmeasured\)/m);
    expect(r.stdout).toContain('(4 more; --top shows more)');
    expect(r.stdout).toContain(
      '  llama-3-8b-support-lora: context window 8192 < 16000 tokens; does not handle fr, de, es, it',
    );
  });

  it('prints the ranking as JSON', () => {
    const r = select(['--route', 'classify', '--env', 'dev', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      environment: string;
      ranked: { id: string }[];
      excluded: { id: string; failed: string[] }[];
    };
    expect(out.environment).toBe('dev');
    expect(out.ranked.length).toBeGreaterThan(0);
    expect(out.excluded.map((e) => e.id)).toContain('claude-3-5-sonnet-v2');
  });

  it('fails with a located message when the needs file is malformed', () => {
    const path = join(tempDir('needs-'), 'needs.json');
    writeFileSync(path, '{\n  "languages": ["fr"],\n  "toolUse": yes\n}\n');
    const r = select(['--needs', path]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error[json-syntax] ${path}:3:14`);
    expect(r.stderr).toContain('not valid JSON: an unexpected character');
  });

  it('fails on an unknown route with a did-you-mean', () => {
    const r = select(['--route', 'translat']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no route "translat" in prod; did you mean "translate"?');
  });
});
