// npm run bench:synth — synthesizing every environment this project's way (esbuild-built JavaScript,
// `node dist/main.js`) against the same app run the cdktf template's way (`cdktf synth` with a
// `ts-node main.ts` app), alternating, several runs each; wall time and peak memory medians and
// their ratios. Both write the same stacks; nothing leaves this machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOOK = join(ROOT, 'bench', 'support', 'rss-hook.cjs');

interface Sample {
  readonly ms: number;
  readonly peakMb: number;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-synth-'));
  const rssFile = join(dir, 'rss');
  const outdir = join(dir, 'out');
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, [...args.map((a) => a.replace('{out}', outdir))], {
      cwd: ROOT,
      env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', NODE_OPTIONS: `--require ${HOOK}`, FM_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const stacks = existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')).sort().join(',') : '';
      const peaks = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').map(Number) : [0];
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0 || stacks !== 'dev,prod,staging') fail(new Error(`${command} ${args.join(' ')} failed (exit ${code}, stacks "${stacks}"):\n${stderr.slice(-2000)}`));
      else done({ ms, peakMb: Math.max(...peaks) / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const ours = () => run(process.execPath, [join(ROOT, 'dist', 'main.js')], {});
  const template = () => run(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--app', 'npx ts-node main.ts', '--output', '{out}'], {});
  // One untimed run each: our router bundle cache and the template's ts-node warm-up are both in place after it.
  await ours();
  await template();
  const samples: Record<'ours' | 'template', Sample[]> = { ours: [], template: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 === 0 ? (['ours', 'template'] as const) : (['template', 'ours'] as const)) {
      samples[side].push(await (side === 'ours' ? ours() : template()));
      process.stderr.write('.');
    }
  }
  const row = (name: string, s: Sample[]) => `  ${name.padEnd(44)} ${median(s.map((x) => x.ms)).toFixed(0).padStart(7)} ms ${median(s.map((x) => x.peakMb)).toFixed(0).padStart(6)} MB`;
  const ms = (s: Sample[]) => median(s.map((x) => x.ms));
  const mb = (s: Sample[]) => median(s.map((x) => x.peakMb));
  console.log(`\nSynth of dev, staging and prod, median of ${RUNS} alternating runs each (Node ${process.version}):`);
  console.log(row('this project: node dist/main.js', samples.ours));
  console.log(row('cdktf template: cdktf synth + ts-node main.ts', samples.template));
  console.log(`  ratio (template / this project): ${(ms(samples.template) / ms(samples.ours)).toFixed(1)}x wall time, ${(mb(samples.template) / mb(samples.ours)).toFixed(1)}x peak memory`);
  console.log(`  target: under 2 s and 150 MB (${ms(samples.ours) < 2000 && mb(samples.ours) < 150 ? 'met' : 'MISSED'}), at least 5x faster (${ms(samples.template) / ms(samples.ours) >= 5 ? 'met' : 'MISSED'})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
