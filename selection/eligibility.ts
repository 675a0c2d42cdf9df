import { unmetRequirements } from '../catalog/capabilities';
import { hostingKind } from '../hosting';
import type { Environment } from '../schemas/generated/environment';
import type { Model } from '../schemas/generated/model-catalog';
import type { Needs } from './needs';

/** Where a model would be called: the environment's primary Region and its tier. */
export interface Placement {
  readonly region: string;
  /** Preview models are not proposed for production. Default: production. */
  readonly tier?: Environment['tier'];
}

/**
 * The hard requirements a model fails, in words, or nothing when it may be proposed. The route's
 * requirements and the Region check are the catalog validator's own (`unmetRequirements`, the
 * hosting kind's `servedIn`), so selection never disagrees with validation.
 */
export function failedNeeds(model: Model, needs: Needs, placement: Placement): string[] {
  const failed = unmetRequirements(model, { requirements: needs });
  if (needs.streaming === true && !model.capabilities.streaming) failed.push('does not stream');
  if (needs.hosting !== undefined && model.hosting.type !== needs.hosting)
    failed.push(`hosted on ${model.hosting.type}, not ${needs.hosting}`);
  const { status, replacement } = model.lifecycle;
  const replaced = replacement !== undefined ? `, replaced by "${replacement}"` : '';
  if (status === 'retired') failed.push(`retired${replaced}: its requests fail`);
  if ((status === 'legacy' || status === 'deprecated') && needs.allowDeprecated !== true)
    failed.push(`${status}${replaced} (allowDeprecated proposes it anyway)`);
  if (status === 'preview' && (placement.tier ?? 'production') === 'production')
    failed.push('in preview: not for production');
  const access = hostingKind(model.hosting).servedIn(model.hosting, placement.region);
  if (!access.served) failed.push(`not served in ${placement.region} (${access.reason})`);
  return failed;
}
