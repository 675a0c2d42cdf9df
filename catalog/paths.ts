import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file holding package.json (works from source and from dist/). */
export const projectRoot = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${__dirname}`);
    dir = up;
  }
  return dir;
})();

export const defaultCatalogPath = join(projectRoot, 'model-catalog.json');
export const defaultEnvironmentsDir = join(projectRoot, 'environments');
