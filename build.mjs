// Bundles the TypeScript entry points (main.ts, cli/*.ts, bench/*.ts) into dist/ with esbuild. Type
// checking is `npm run typecheck`'s job, so a stale generated type never stops `npm run gen:types`
// from regenerating it.
//
// An entry is bundled again only when it is stale: its bundle is missing, or one of its inputs (the
// source files esbuild read for it, this file, tsconfig.json) is gone or has another modification
// time or size than when it was bundled. The list of inputs is esbuild's own (its metafile), kept
// beside the bundle as <bundle>.inputs.json; npm packages stay external, so they are not inputs.
//
// `node build.mjs` brings every entry of main.ts and cli/ up to date; `node build.mjs FILE...` the
// ones named; run.mjs brings one up to date and runs it.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(fileURLToPath(import.meta.url));

/** Inputs of every bundle besides its sources: how it is built. */
const BUILD_INPUTS = ['build.mjs', 'tsconfig.json'];

const OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

/** The entries `npm run build` keeps up to date: the cdktf app and every command. */
export function defaultEntries() {
  return [
    ...['main.ts'].filter((f) => existsSync(join(ROOT, f))),
    ...readdirSync(join(ROOT, 'cli'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `cli/${f}`),
  ];
}

/** The bundle of an entry (a path relative to the project root): `cli/synth.ts` → `<root>/dist/cli/synth.js`. */
export function bundleOf(entry) {
  return join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'));
}

const stampOf = (entry) => `${bundleOf(entry)}.inputs.json`;

const fingerprint = (file) => {
  const s = statSync(join(ROOT, file));
  return { mtimeMs: s.mtimeMs, size: s.size };
};

/** Whether an entry's bundle is missing or older than one of its inputs. */
export function isStale(entry) {
  let stamp;
  try {
    if (!existsSync(bundleOf(entry))) return true;
    stamp = JSON.parse(readFileSync(stampOf(entry), 'utf8'));
  } catch {
    return true; // no stamp, or a damaged one
  }
  if (typeof stamp.inputs !== 'object' || stamp.inputs === null) return true;
  for (const [file, was] of Object.entries(stamp.inputs)) {
    let now;
    try {
      now = fingerprint(file);
    } catch {
      return true; // an input was deleted or moved
    }
    if (now.mtimeMs !== was.mtimeMs || now.size !== was.size) return true;
  }
  return false;
}

/** Writes a file whole or not at all: a concurrent reader never sees half a bundle. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const staging = `${path}.tmp-${process.pid}`;
  writeFileSync(staging, contents);
  renameSync(staging, path);
}

/** Bundles the given entries in one esbuild run and records each one's inputs. */
export async function bundle(entries) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const result = await build({
    ...OPTIONS,
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: join(ROOT, 'dist'),
    outbase: ROOT,
    metafile: true,
    write: false,
  });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  for (const entry of entries) {
    const out = relative(ROOT, bundleOf(entry));
    const sources = Object.keys(result.metafile.outputs[out]?.inputs ?? {});
    const inputs = {};
    for (const file of [...BUILD_INPUTS, ...sources]) {
      const now = fingerprint(file);
      // Changed while esbuild read it: record no fingerprint it could match, so the next run builds again.
      inputs[file] = now.mtimeMs >= started ? { mtimeMs: -1, size: -1 } : now;
    }
    writeAtomically(stampOf(entry), JSON.stringify({ entry, inputs }));
  }
}

/** Bundles the entries that are stale; returns them. */
export async function ensureBuilt(entries) {
  const stale = entries.filter(isStale);
  if (stale.length > 0) await bundle(stale);
  return stale;
}

/** esbuild has printed a failed build's errors already: exit 1 without a stack trace; rethrow anything else. */
export function exitOnBuildFailure(err) {
  if (Array.isArray(err?.errors) && err.errors.length > 0) process.exit(1);
  throw err;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const named = process.argv.slice(2).map((f) => relative(ROOT, resolve(f)));
  await ensureBuilt(named.length > 0 ? named : defaultEntries()).catch(exitOnBuildFailure);
}
