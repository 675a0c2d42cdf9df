import { HOSTING_KINDS } from '../../hosting';
import type { CatalogContext, EnvironmentContext } from '../context';
import { issueAt, type CatalogIssue } from '../issues';
import { BOOTSTRAP_RULES } from './bootstrap';
import { CATALOG_RULES } from './catalog';
import { ENVIRONMENT_RULES } from './environment';
import { REFERENCE_RULES } from './references';
import type { Rule } from './rule';

export type { Report, Rule } from './rule';

/** Every cross-field rule, each once, in the order `npm run validate -- --rules` lists them: the hosting kinds' own last. */
export const RULES: readonly Rule[] = [
  ...CATALOG_RULES,
  ...REFERENCE_RULES,
  ...ENVIRONMENT_RULES,
  ...BOOTSTRAP_RULES,
  ...Object.values(HOSTING_KINDS).flatMap((kind) => kind.rules),
];

/** Runs every rule on the catalog, then on each environment; each issue carries the id of the rule that found it. */
export function checkRules(ctx: CatalogContext, environments: readonly EnvironmentContext[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  for (const rule of RULES) {
    if (rule.catalog)
      // A loop, not a spread push: tens of thousands of issues would overflow the call stack.
      for (const issue of rule.catalog(ctx, (path, message, details) =>
        issueAt(ctx.doc, rule.id, path, message, details),
      ))
        issues.push(issue);
  }
  for (const env of environments) {
    for (const rule of RULES) {
      // An environment's issues name it: a gate's waiver is judged in that environment.
      if (rule.environment)
        issues.push(
          ...rule.environment(env, (path, message, details) => ({
            ...issueAt(env.envDoc, rule.id, path, message, details),
            environment: env.env.name,
          })),
        );
    }
  }
  return issues;
}
