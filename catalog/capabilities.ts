import type { Model, Route } from '../schemas/generated/model-catalog';

/*
 * What a model can do: the check the validator's rules and model selection (selection/) share, so
 * "meets the route" means one thing everywhere. Where it is served is its hosting kind's to say
 * (hosting/: servedIn).
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
