import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../catalog/paths';
import { tempDir } from './support/temp-dir';

// build.mjs and run.mjs in a scratch project of their own (two sources and a command), so the test
// edits sources freely; the project's node_modules provides esbuild.
let dir: string;
beforeEach(() => {
  dir = tempDir('fm-build-');
  for (const f of ['build.mjs', 'run.mjs', 'tsconfig.json']) cpSync(join(projectRoot, f), join(dir, f));
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'cli'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'greeting.ts'), "export const greeting = 'hello';\n");
  writeFileSync(
    join(dir, 'cli', 'hello.ts'),
    "import { greeting } from '../lib/greeting';\nconsole.log(`${greeting} ${process.argv.slice(2).join(' ')} main=${String(require.main === module)}`);\n",
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bundle = () => join(dir, 'dist', 'cli', 'hello.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['run.mjs', 'cli/hello.ts', ...args], { cwd: dir, encoding: 'utf8' });
/** The bundle's identity: a rebuild writes a new file (written aside, then renamed into place). */
const builtAs = () => {
  const s = statSync(bundle());
  return `${s.ino}:${s.mtimeMs}`;
};
/** Sets a file's modification time `seconds` away from now. */
const touch = (file: string, seconds: number) => {
  const at = new Date(Date.now() + seconds * 1000);
  utimesSync(join(dir, file), at, at);
};

describe('node run.mjs <entry>', () => {
  it('bundles the entry on the first run (no dist/) and runs it as the main module with its arguments', () => {
    const r = run('a', 'b');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello a b main=true\n');
    expect(JSON.parse(readFileSync(`${bundle()}.inputs.json`, 'utf8')).inputs).toHaveProperty(['lib/greeting.ts']);
  });

  it('does not bundle again while no input changed', () => {
    run();
    const first = builtAs();
    expect(run('again').stdout).toBe('hello again main=true\n');
    expect(builtAs()).toBe(first);
  });

  it('bundles again when an imported source changes, even to the same size', () => {
    run();
    const first = builtAs();
    writeFileSync(join(dir, 'lib', 'greeting.ts'), "export const greeting = 'howdy';\n");
    touch('lib/greeting.ts', 5);
    expect(run().stdout).toBe('howdy  main=true\n');
    expect(builtAs()).not.toBe(first);
  });

  it('bundles again when a source is replaced by an older copy (its time differs from the one recorded)', () => {
    run();
    writeFileSync(join(dir, 'lib', 'greeting.ts'), "export const greeting = 'older';\n");
    touch('lib/greeting.ts', -3600);
    expect(run().stdout).toBe('older  main=true\n');
  });

  it('bundles again when build.mjs changes', () => {
    run();
    const first = builtAs();
    touch('build.mjs', 5);
    run();
    expect(builtAs()).not.toBe(first);
  });

  it('bundles again when its record of inputs is missing', () => {
    run();
    const first = builtAs();
    unlinkSync(`${bundle()}.inputs.json`);
    run();
    expect(builtAs()).not.toBe(first);
  });

  it("fails with esbuild's message when an imported source was deleted, and runs nothing", () => {
    run();
    unlinkSync(join(dir, 'lib', 'greeting.ts'));
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Could not resolve "../lib/greeting"');
    expect(r.stderr).not.toContain('    at ');
    expect(r.stdout).toBe('');
  });

  it('fails with its usage when no TypeScript entry is named', () => {
    const r = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: node run.mjs <entry.ts>');
  });
});

describe('node build.mjs', () => {
  it('brings every command of cli/ up to date, and only the stale ones afterwards', () => {
    writeFileSync(join(dir, 'cli', 'other.ts'), "console.log('other');\n");
    expect(spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    const other = statSync(join(dir, 'dist', 'cli', 'other.js')).mtimeMs;
    const first = builtAs();
    touch('lib/greeting.ts', 5);
    expect(spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    expect(builtAs()).not.toBe(first);
    expect(statSync(join(dir, 'dist', 'cli', 'other.js')).mtimeMs).toBe(other);
  });
});
