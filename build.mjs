// Bundles the command-line entry points with esbuild (type checking is `npm run typecheck`'s job,
// so a stale generated type never stops `npm run gen:types` from regenerating it).
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';

const entryPoints = [
  ...['main.ts'].filter((f) => existsSync(f)),
  ...readdirSync('cli').filter((f) => f.endsWith('.ts')).map((f) => `cli/${f}`),
];

await build({
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
