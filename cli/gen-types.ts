import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTypes } from '../catalog/generate-types';
import { projectRoot } from '../catalog/paths';

async function main(): Promise<void> {
  const schemasDir = join(projectRoot, 'schemas');
  const files = await generateTypes(schemasDir);
  for (const [name, content] of files) {
    writeFileSync(join(schemasDir, 'generated', name), content);
    console.log(`wrote schemas/generated/${name}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
