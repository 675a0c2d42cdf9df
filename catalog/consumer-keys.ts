import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCatalogEdits } from './edit';
import { CatalogValidationError } from './issues';
import { checkProject, type LoadOptions } from './load';
import { defaultEnvironmentsDir } from './paths';
import type { Consumer, Environment } from '../schemas/generated/environment';

/**
 * The hash the authorizer compares (contracts/authorizer.ts: lower-case hex SHA-256 of the key's
 * UTF-8 bytes; test/catalog/consumer-keys.test.ts checks the authorizer accepts what this writes).
 */
function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new bearer key: 256 random bits, base64url, with a prefix that makes a leaked one easy to spot. */
export function newApiKey(): string {
  return `fmk_${randomBytes(32).toString('base64url')}`;
}

type KeyEntry = NonNullable<Consumer['keys']>[number];

export interface KeyChange {
  /** The key, only when one was made: printed once, never written. */
  readonly key?: string;
  /** How many live keys were revoked. */
  readonly revoked: number;
  readonly file: string;
}

/**
 * Adds a key to a consumer of an environment file (only its SHA-256), or with `revoke` marks each of
 * its live keys revoked, editing nothing else in the file; then validates the project and puts the
 * file back if it no longer validates.
 */
export function changeConsumerKeys(
  env: string,
  consumer: string,
  options: { revoke?: boolean; today?: string; environmentsDir?: string; key?: string } & Pick<
    LoadOptions,
    'catalogPath'
  > = {},
): KeyChange {
  const dir = options.environmentsDir ?? defaultEnvironmentsDir;
  const file = join(dir, `${env}.json`);
  let original: string;
  try {
    original = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file}: no such environment file (--env names a file of ${dir} without .json)`);
  }
  const parsed = JSON.parse(original) as Partial<Environment>;
  const consumers = parsed.api?.consumers ?? [];
  const index = consumers.findIndex((c) => c.name === consumer);
  if (index < 0) {
    throw new Error(
      `${file}: /api/consumers has no consumer "${consumer}" (it has: ${consumers.map((c) => c.name).join(', ') || 'none'}); add it there first`,
    );
  }
  const keys: KeyEntry[] = [...(consumers[index].keys ?? [])];
  let key: string | undefined;
  let revoked = 0;
  if (options.revoke) {
    for (let i = 0; i < keys.length; i++) {
      if (keys[i].revoked !== true) {
        keys[i] = { ...keys[i], revoked: true };
        revoked++;
      }
    }
    if (revoked === 0)
      throw new Error(`${file}: /api/consumers/${index}/keys: "${consumer}" has no live key to revoke`);
  } else {
    key = options.key ?? newApiKey();
    keys.push({ sha256: keyHash(key), created: options.today ?? new Date().toISOString().slice(0, 10) });
  }
  writeFileSync(file, applyCatalogEdits(original, [{ path: ['api', 'consumers', index, 'keys'], value: keys }]));
  const check = checkProject({
    environmentsDir: dir,
    only: [env],
    ...(options.catalogPath ? { catalogPath: options.catalogPath } : {}),
  });
  if (!check.project) {
    writeFileSync(file, original);
    throw new CatalogValidationError(check.issues);
  }
  return { ...(key !== undefined ? { key } : {}), revoked, file };
}
