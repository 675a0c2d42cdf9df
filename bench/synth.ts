// npm run bench:synth [-- --base REF] — synthesizing every environment this project's way against the
// same app run the cdktf template's way (`cdktf synth` with a `ts-node main.ts` app), alternating,
// several runs each. This project's way is measured twice: as a user types it (`npm run synth`: npm,
// the freshness check of the bundle, the command) and as its inner step alone (`node
// dist/cli/synth.js`); and the start-up of the synthesis module (requiring it, and which AWS SDK
// modules that loads). With --base REF the same figures of that commit (a copy of its files, with
// this checkout's node_modules) are measured in the same run, side by side. Wall time, CPU time of all
// Node processes, and peak memory, as medians; nothing leaves this machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOOK = join(ROOT, 'bench', 'support', 'rss-hook.cjs');

interface Sample {
  readonly ms: number;
  /** CPU time (user + system) of every Node process the command ran. */
  readonly cpuMs: number;
  readonly peakMb: number;
}

/** Runs one synth command in `cwd`, into a scratch folder (`{out}` in args, and CDKTF_OUTDIR), and checks it wrote the three stacks. */
function run(cwd: string, command: string, args: string[]): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-synth-'));
  const rssFile = join(dir, 'rss');
  const outdir = join(dir, 'out');
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, [...args.map((a) => a.replace('{out}', outdir))], {
      cwd,
      env: {
        ...process.env,
        CDKTF_OUTDIR: outdir,
        CHECKPOINT_DISABLE: '1',
        NODE_OPTIONS: `--require ${HOOK}`,
        FM_BENCH_RSS_FILE: rssFile,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const stacks = existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')).sort().join(',') : '';
      const processes = existsSync(rssFile)
        ? readFileSync(rssFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(' ').map(Number))
        : [[0, 0]];
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0 || stacks !== 'dev,prod,staging')
        fail(
          new Error(
            `${command} ${args.join(' ')} in ${cwd} failed (exit ${code}, stacks "${stacks}"):\n${stderr.slice(-2000)}`,
          ),
        );
      else
        done({
          ms,
          cpuMs: processes.reduce((sum, [, cpu]) => sum + (cpu ?? 0), 0) / 1000,
          peakMb: Math.max(...processes.map(([rss]) => rss)) / 1024,
        });
    });
  });
}

interface StartUp {
  /** The whole `node -e` process, Node's own start-up included. */
  readonly ms: number;
  /** The `require()` of the synthesis module alone. */
  readonly requireMs: number;
  /** Modules under node_modules/@aws-sdk and node_modules/@smithy it loaded. */
  readonly sdkModules: number;
}

/** A fresh Node process that requires the bundled synthesis module and nothing else. */
function startUp(cwd: string, bundle: string): StartUp {
  const script = `const t=performance.now();require(${JSON.stringify(bundle)});const ms=performance.now()-t;const sdk=Object.keys(require.cache).filter((f)=>/node_modules[\\\\/]@(aws-sdk|smithy)[\\\\/]/.test(f)).length;process.stdout.write(JSON.stringify({ms,sdk}))`;
  const started = performance.now();
  const r = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`requiring ${bundle} failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as { ms: number; sdk: number };
  return { ms, requireMs: out.ms, sdkModules: out.sdk };
}

/** A copy of a commit's files, sharing this checkout's node_modules. */
function checkout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-base-'));
  const archive = spawnSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr.toString()}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr.toString()}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The module synthesis starts from: stacks/app.ts since it moved out of main.ts (whose bundle synthesizes only when it is the main module). */
function synthesisModule(tree: string): string {
  const entry = existsSync(join(tree, 'stacks', 'app.ts')) ? 'stacks/app.ts' : 'main.ts';
  const built = spawnSync(process.execPath, [join(tree, 'build.mjs'), ...(entry === 'main.ts' ? [] : [entry])], {
    cwd: tree,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`bundling ${entry} in ${tree} failed:\n${built.stderr}`);
  return join(tree, 'dist', entry.replace(/\.ts$/, '.js'));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { base: { type: 'string' } } });
  const trees: { name: string; dir: string }[] = [{ name: 'this tree', dir: ROOT }];
  if (values.base !== undefined) trees.push({ name: `base ${values.base}`, dir: checkout(values.base) });

  type Side = { readonly label: string; readonly tree: string; readonly go: () => Promise<Sample> };
  const sides: Side[] = [];
  for (const t of trees) {
    sides.push({
      label: 'npm run synth (as typed)',
      tree: t.name,
      go: () => run(t.dir, 'npm', ['run', '-s', 'synth', '--', '--out', '{out}']),
    });
    sides.push({
      label: 'node dist/cli/synth.js (inner step)',
      tree: t.name,
      go: () => run(t.dir, process.execPath, [join(t.dir, 'dist', 'cli', 'synth.js'), '--out', '{out}']),
    });
  }
  sides.push({
    label: 'cdktf template: cdktf synth + ts-node main.ts',
    tree: 'this tree',
    go: () =>
      run(ROOT, join(ROOT, 'node_modules', '.bin', 'cdktf'), [
        'synth',
        '--app',
        'npx ts-node main.ts',
        '--output',
        '{out}',
      ]),
  });

  // One untimed run each: the bundles, the router bundle cache and the template's ts-node warm-up are all in place after it.
  for (const side of sides) await side.go();
  const samples = new Map<Side, Sample[]>(sides.map((s) => [s, []]));
  for (let i = 0; i < RUNS; i++) {
    // Alternating: each run starts from another side, so a slow spell of the machine falls on every side.
    const order = [...sides.slice(i % sides.length), ...sides.slice(0, i % sides.length)];
    for (const side of order) {
      samples.get(side)?.push(await side.go());
      process.stderr.write('.');
    }
  }
  const starts = new Map<string, StartUp[]>();
  const modules = trees.map((t) => ({ tree: t.name, dir: t.dir, bundle: synthesisModule(t.dir) }));
  for (let i = 0; i < RUNS; i++)
    for (const m of modules) starts.set(m.tree, [...(starts.get(m.tree) ?? []), startUp(m.dir, m.bundle)]);
  const timed = (command: string, args: string[], cwd: string) =>
    Array.from({ length: RUNS }, () => {
      const started = performance.now();
      const r = spawnSync(command, args, { cwd });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.toString()}`);
      return performance.now() - started;
    });
  const node = timed(process.execPath, ['-e', '0'], ROOT);
  // npm's own share of a command as typed: `npm run` of a script that only starts Node.
  const empty = mkdtempSync(join(tmpdir(), 'fm-bench-npm-'));
  writeFileSync(
    join(empty, 'package.json'),
    JSON.stringify({ name: 'empty', version: '1.0.0', private: true, scripts: { empty: 'node -e 0' } }),
  );
  const npmAlone = timed('npm', ['run', '-s', 'empty'], empty);
  rmSync(empty, { recursive: true, force: true });

  const ms = (s: Sample[]) => median(s.map((x) => x.ms));
  const cell = (s: Sample[]) =>
    `${ms(s).toFixed(0).padStart(6)} ms ${median(s.map((x) => x.cpuMs))
      .toFixed(0)
      .padStart(6)} ms ${median(s.map((x) => x.peakMb))
      .toFixed(0)
      .padStart(4)} MB`;
  const of = (label: string, tree: string) =>
    samples.get(sides.find((s) => s.label === label && s.tree === tree) ?? sides[0]) ?? [];
  const width = 46;
  console.log(
    `\nSynth of dev, staging and prod, median of ${RUNS} alternating runs each (Node ${process.version}); wall time, CPU time of its Node processes, peak memory:`,
  );
  console.log(`  ${''.padEnd(width)} ${trees.map((t) => t.name.padEnd(28)).join(' ')}`);
  for (const label of ['npm run synth (as typed)', 'node dist/cli/synth.js (inner step)'])
    console.log(`  ${label.padEnd(width)} ${trees.map((t) => cell(of(label, t.name)).padEnd(28)).join(' ')}`);
  const template = of('cdktf template: cdktf synth + ts-node main.ts', 'this tree');
  console.log(`  ${'cdktf template: cdktf synth + ts-node main.ts'.padEnd(width)} ${cell(template)}`);
  console.log(
    `\nStart-up of the synthesis module (${modules.map((m) => `${m.tree}: ${m.bundle.slice(m.dir.length + 1)}`).join('; ')}), median of ${RUNS}:`,
  );
  const startCell = (tree: string) => {
    const s = starts.get(tree) ?? [];
    return `${median(s.map((x) => x.ms))
      .toFixed(0)
      .padStart(
        4,
      )} ms (require ${median(s.map((x) => x.requireMs)).toFixed(0)} ms), ${median(s.map((x) => x.sdkModules))} SDK modules`;
  };
  console.log(
    `  ${'node -e "require(<synthesis module>)"'.padEnd(width)} ${trees.map((t) => startCell(t.name).padEnd(40)).join(' ')}`,
  );
  console.log(`  ${'node -e 0 (Node alone)'.padEnd(width)} ${median(node).toFixed(0).padStart(4)} ms`);
  console.log(
    `  ${'npm run -s <script: node -e 0> (npm alone)'.padEnd(width)} ${median(npmAlone).toFixed(0).padStart(4)} ms`,
  );

  const typed = of('npm run synth (as typed)', 'this tree');
  const inner = of('node dist/cli/synth.js (inner step)', 'this tree');
  console.log(
    `\n  ratio (template / npm run synth as typed): ${(ms(template) / ms(typed)).toFixed(1)}x wall time; (template / inner step): ${(ms(template) / ms(inner)).toFixed(1)}x`,
  );
  if (trees.length > 1)
    console.log(
      `  ratio (base / this tree), as typed: ${(ms(of('npm run synth (as typed)', trees[1].name)) / ms(typed)).toFixed(1)}x; inner step: ${(ms(of('node dist/cli/synth.js (inner step)', trees[1].name)) / ms(inner)).toFixed(1)}x`,
    );
  console.log(
    `  target: npm run synth as typed under 1 s (${ms(typed) < 1000 ? 'met' : 'MISSED'}), at least 5x faster than the template (${ms(template) / ms(typed) >= 5 ? 'met' : 'MISSED'})`,
  );
  for (const t of trees.slice(1)) rmSync(t.dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
