import { createHash } from 'node:crypto';

/**
 * A physical AWS name from parts joined by hyphens, at most `maxLength` characters. A name that
 * would be longer keeps its start and ends in a short hash of the whole, so it stays unique and stable.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts.join('-');
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** SageMaker endpoint names: 63 characters, letters, digits and hyphens. */
export function endpointName(environment: string, modelId: string): string {
  return physicalName(['fm', environment, modelId], 63);
}
