import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateTypes } from '../catalog/generate-types';
import { projectRoot } from '../catalog/paths';
import { parseOptions } from './args';

const USAGE = `usage: npm run gen:types [-- --check] [--schemas DIR]

Regenerates schemas/generated/ (TypeScript types and the precompiled routing-table validator) from
the JSON Schemas. --check writes nothing and exits 1 naming every generated file that differs.`;

async function main(): Promise<void> {
  const opts = parseOptions({ check: { type: 'boolean' }, schemas: { type: 'string' } }, USAGE);
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const schemasDir = resolve(opts.schemas ?? join(projectRoot, 'schemas'));
  const files = await generateTypes(schemasDir);
  const drifted: string[] = [];
  for (const [name, content] of files) {
    const path = join(schemasDir, 'generated', name);
    if (opts.check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== content) drifted.push(`schemas/generated/${name}`);
    } else {
      writeFileSync(path, content);
      console.log(`wrote schemas/generated/${name}`);
    }
  }
  if (drifted.length > 0) {
    console.error(
      `generated files differ from the schemas: ${drifted.join(', ')}\nrun npm run gen:types and commit the result`,
    );
    process.exit(1);
  }
  if (opts.check) console.log(`schemas/generated is up to date (${files.size} files)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
