import type { Rule } from '../../catalog/rules/rule';
import { modelsHostedOn } from '../../catalog/context';
import type { CatalogIssue } from '../../catalog/issues';
import { regionInGeography } from '../../catalog/regions';
import type { HostingKind } from '../kind';

export const BEDROCK_RULES: readonly Rule[] = [
  {
    id: 'bedrock-regions',
    summary: "a Bedrock model is invocable somewhere, and each inference profile's Regions lie in its geography",
    catalog: (ctx, issue) =>
      modelsHostedOn(ctx, 'bedrock').flatMap(({ model: m, index: i }) => {
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const profiles = h.inferenceProfiles ?? [];
        if ((h.regions ?? []).length === 0 && profiles.length === 0) {
          out.push(
            issue(
              ['models', i, 'hosting'],
              `model "${m.id}" lists no Region and no inference profile, so no environment can call it`,
              { fix: 'add the Regions where it is served on demand, or its inference profiles' },
            ),
          );
        }
        profiles.forEach((p, j) => {
          if (profiles.findIndex((q) => q.geography === p.geography) !== j) {
            out.push(
              issue(
                ['models', i, 'hosting', 'inferenceProfiles', j, 'geography'],
                `model "${m.id}" lists the ${p.geography} profile twice`,
                { fix: 'merge the two entries' },
              ),
            );
          }
          p.regions.forEach((r, k) => {
            if (!regionInGeography(r, p.geography)) {
              out.push(
                issue(
                  ['models', i, 'hosting', 'inferenceProfiles', j, 'regions', k],
                  `Region ${r} is not in the ${p.geography} geography of profile ${p.geography}.${h.modelId}`,
                  {
                    expected: `a Region of the ${p.geography} geography`,
                    fix: "list the profile's Regions as GetInferenceProfile returns them",
                  },
                ),
              );
            }
          });
        });
        return out;
      }),
  },
];

/** Bedrock bills on-demand calls per token: both token prices, and no instance-hour. */
export const bedrockPricingIssues: HostingKind<'bedrock'>['pricingIssues'] = (m, issue) => {
  const p = m.pricing;
  const out: CatalogIssue[] = [];
  for (const key of ['inputPerMillionTokensUsd', 'outputPerMillionTokensUsd'] as const) {
    if (p[key] === undefined)
      out.push(
        issue(['pricing'], `Bedrock model "${m.id}" has no ${key}`, {
          fix: `add "${key}" from the Bedrock pricing page`,
        }),
      );
  }
  if (p.instanceHourUsd !== undefined)
    out.push(
      issue(['pricing', 'instanceHourUsd'], `Bedrock model "${m.id}" is billed per token, not per instance-hour`, {
        fix: 'remove "instanceHourUsd"',
      }),
    );
  return out;
};
