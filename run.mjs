// `node run.mjs <entry.ts> [args...]`: what the npm scripts call. Brings the entry's bundle up to
// date (build.mjs: bundled again only when a source changed), then runs the bundle as this
// process's main module, so a command costs one Node start-up and no npm run of its own.
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { ROOT, bundleOf, ensureBuilt, exitOnBuildFailure } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith('.ts')) {
  console.error('usage: node run.mjs <entry.ts> [args...]   e.g. node run.mjs cli/synth.ts --out /tmp/out');
  process.exit(2);
}
const relativeEntry = relative(ROOT, resolve(entry));
await ensureBuilt([relativeEntry]).catch(exitOnBuildFailure);
// As `node dist/<entry>.js args...` would: argv[1] is the bundle, and it is require.main.
process.argv = [process.argv[0], bundleOf(relativeEntry), ...args];
createRequire(import.meta.url)('node:module').runMain();
