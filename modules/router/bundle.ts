import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file the router reads at a cold start as its last known good routing table. */
export const BAKED_ROUTING_TABLE_FILE = 'routing-table.json';

const bundles = new Map<string, { code: Uint8Array; map: Uint8Array }>();

/** esbuild once per entry per process (the three environments share the code, not the routing table). */
function bundle(entry: string): { code: Uint8Array; map: Uint8Array } {
  const cached = bundles.get(entry);
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: 'external',
    minify: true,
    keepNames: true,
    write: false,
    outfile: 'index.js',
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('index.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('index.js.map'));
  if (!code || !map) throw new Error(`esbuild produced no bundle for ${entry}`);
  const built = { code: code.contents, map: map.contents };
  bundles.set(entry, built);
  return built;
}

/**
 * Writes the router bundle (`index.js`, its source map) and the baked routing table into a folder
 * named by their content under `workDir`, and returns it. Same content, same folder: concurrent
 * synths never write into a folder another one reads (each writes aside, then renames).
 */
export function writeRouterBundle(entry: string, routingTableJson: string, workDir: string): string {
  const { code, map } = bundle(entry);
  const hash = createHash('sha256').update(code).update(map).update(routingTableJson).digest('hex').slice(0, 16);
  const dir = join(workDir, `router-${hash}`);
  if (existsSync(dir)) return dir;
  const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'index.js'), code);
  writeFileSync(join(staging, 'index.js.map'), map);
  writeFileSync(join(staging, BAKED_ROUTING_TABLE_FILE), routingTableJson);
  try {
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}
