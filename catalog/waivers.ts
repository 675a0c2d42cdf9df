import type { ModelCatalog, Waiver } from '../schemas/generated/model-catalog';
import type { Environment } from '../schemas/generated/environment';
import type { CatalogIssue } from './issues';
import { pointerOf } from './issues';
import type { JsonDocument } from './json-file';

/** Policy gates: errors a waiver in the catalog, or an environment's audit.disabledGates, may accept. */
export const GATES = ['retired-model', 'preview-in-production', 'production-fallback', 'end-of-life', 'wildcard-invoke', 'cost-increase'] as const;
export type Gate = (typeof GATES)[number];

export function isGate(rule: string): rule is Gate {
  return (GATES as readonly string[]).includes(rule);
}

/** The waiver that accepts a gate failure for a subject in an environment (undefined for catalog-wide issues). */
export function findWaiver(waivers: readonly Waiver[], gate: string, subject: string | undefined, environment: string | undefined, today: string): Waiver | undefined {
  return waivers.find(
    (w) =>
      w.gate === gate &&
      w.subject === subject &&
      w.expires >= today &&
      (w.environments === undefined || (environment !== undefined && w.environments.includes(environment))),
  );
}

/**
 * Turns waived or disabled gate errors into warnings that say why, and reports waivers that have
 * expired (their gate fails again) or that match nothing (stale, worth deleting).
 */
export function applyWaivers(
  issues: readonly CatalogIssue[],
  catalogDoc: JsonDocument,
  environments: readonly { file: string; env: Environment }[],
  today: string,
): CatalogIssue[] {
  const catalog = catalogDoc.value as ModelCatalog;
  const waivers = catalog.waivers ?? [];
  const used = new Set<Waiver>();
  const out = issues.map((issue): CatalogIssue => {
    if (issue.severity !== 'error' || !isGate(issue.rule)) return issue;
    const env = environments.find((e) => e.file === issue.file)?.env;
    if (env?.audit?.disabledGates?.includes(issue.rule)) {
      return { ...issue, severity: 'warning', waived: `gate ${issue.rule} is disabled in ${env.name}` };
    }
    const waiver = findWaiver(waivers, issue.rule, issue.subject, env?.name, today);
    if (!waiver) return issue;
    used.add(waiver);
    return { ...issue, severity: 'warning', waived: `waived until ${waiver.expires}${waiver.approvedBy ? ` by ${waiver.approvedBy}` : ''}: ${waiver.reason}` };
  });
  waivers.forEach((w, i) => {
    const pointer = pointerOf(['waivers', i]);
    const at = { file: catalogDoc.file, pointer, ...catalogDoc.locate(pointer) };
    if (w.expires < today) {
      out.push({ ...at, severity: 'warning', rule: 'waiver', message: `the waiver of ${w.gate} for "${w.subject}" expired on ${w.expires}; the gate applies again`, fix: 'fix the cause, or renew the waiver with a new reason' });
    } else if (!used.has(w) && w.gate !== 'wildcard-invoke' && w.gate !== 'cost-increase') {
      out.push({ ...at, severity: 'warning', rule: 'waiver', message: `the waiver of ${w.gate} for "${w.subject}" matches no issue`, fix: 'delete it' });
    }
  });
  return out;
}
