import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { projectRoot } from '../../catalog/paths';

const built = new Map<string, string>();

/**
 * A source file (`cli/synth.ts`, `stacks/app.ts`) bundled as build.mjs bundles it, once per test
 * process and into a folder of that process: suites in other workers never read a file another is writing.
 */
export function bundlePath(entry: string): string {
  let file = built.get(entry);
  if (file === undefined) {
    file = join(projectRoot, 'dist', 'test-cli', String(process.pid), entry.replace(/\.ts$/, '.js'));
    buildSync({
      entryPoints: [join(projectRoot, entry)],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'warning',
    });
    built.set(entry, file);
  }
  return file;
}

/** The built command `cli/<name>.ts`. */
export function cliPath(name: string): string {
  return bundlePath(`cli/${name}.ts`);
}

/** Runs a command as a user would, from the project root; its exit status and output. */
export function runCli(
  name: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath(name), ...args], { cwd: projectRoot, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
