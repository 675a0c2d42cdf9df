import type { Model, Route } from '../schemas/generated/model-catalog';

/*
 * What a model can do and where it is served: the checks the validator's rules and model selection
 * (selection/) share, so "meets the route" and "served in the Region" mean one thing everywhere.
 */

/** Why a model cannot serve a route, or nothing when it can. */
export function unmetRequirements(model: Model, route: Pick<Route, 'requirements'>): string[] {
  const req = route.requirements;
  const cap = model.capabilities;
  const unmet: string[] = [];
  if (req.minContextWindowTokens !== undefined && cap.contextWindowTokens < req.minContextWindowTokens) {
    unmet.push(`context window ${cap.contextWindowTokens} < ${req.minContextWindowTokens} tokens`);
  }
  const missingModalities = (req.inputModalities ?? []).filter((m) => !cap.inputModalities.includes(m));
  if (missingModalities.length) unmet.push(`does not read ${missingModalities.join(', ')}`);
  const missingLanguages = (req.languages ?? []).filter((l) => !cap.languages.includes(l));
  if (missingLanguages.length) unmet.push(`does not handle ${missingLanguages.join(', ')}`);
  if (req.toolUse && !cap.toolUse) unmet.push('has no tool use');
  return unmet;
}

/** How a Bedrock model is reached from a Region: a profile covering it, on-demand in-Region, or not at all. */
export function bedrockAccess(model: Model, region: string): { kind: 'profile'; geography: string } | { kind: 'direct' } | undefined {
  if (model.hosting.type !== 'bedrock') return undefined;
  const profile = (model.hosting.inferenceProfiles ?? []).find((p) => p.regions.includes(region));
  if (profile) return { kind: 'profile', geography: profile.geography };
  if ((model.hosting.regions ?? []).includes(region)) return { kind: 'direct' };
  return undefined;
}

