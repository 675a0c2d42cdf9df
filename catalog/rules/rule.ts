import type { CatalogContext, EnvironmentContext, JsonPath } from '../context';
import type { CatalogIssue, IssueDetails } from '../issues';

/**
 * Makes an issue of the rule being run, in the file it judges: a rule cannot report under another
 * rule's id, so `npm run validate -- --rules` lists every id an issue can carry.
 */
export type Report = (path: JsonPath, message: string, details?: IssueDetails) => CatalogIssue;

/**
 * A cross-field rule JSON Schema cannot express. Its id is stable (shown in messages, in
 * `npm run validate -- --rules`, and named by waivers for the policy gates); it judges the catalog
 * file, each environment file against the catalog, or both.
 */
export interface Rule {
  readonly id: string;
  readonly summary: string;
  readonly catalog?: (ctx: CatalogContext, issue: Report) => CatalogIssue[];
  readonly environment?: (ctx: EnvironmentContext, issue: Report) => CatalogIssue[];
}

/** The first value a list holds twice, with its index, or nothing. */
export function firstRepeat(values: readonly string[]): { id: string; index: number } | undefined {
  const seen = new Set<string>();
  for (let index = 0; index < values.length; index++) {
    if (seen.has(values[index])) return { id: values[index], index };
    seen.add(values[index]);
  }
  return undefined;
}
