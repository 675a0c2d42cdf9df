import type { ModelCatalog, Waiver } from '../schemas/generated/model-catalog';
import type { Environment } from '../schemas/generated/environment';
import type { CatalogIssue } from './issues';
import { pointerOf } from './issues';
import type { JsonDocument } from './json-file';

/** Gates the validator evaluates from the catalog and environment files. */
export const VALIDATOR_GATES = [
  'retired-model',
  'preview-in-production',
  'production-fallback',
  'end-of-life',
] as const;
/** Gates only the audit evaluates (on the synthesized stack, or against a base): the validator never sees them fail. */
export const AUDIT_GATES = [
  'wildcard-invoke',
  'cost-increase',
  'data-residency',
  'quota-headroom',
  'production-retarget-evidence',
  'fallback-degradation',
  'consumer-budget',
] as const;
/** Policy gates: errors a waiver in the catalog, or an environment's audit.disabledGates, may accept. */
export const GATES = [...VALIDATOR_GATES, ...AUDIT_GATES] as const;
export type Gate = (typeof GATES)[number];
export type AuditGate = (typeof AUDIT_GATES)[number];

export function isGate(rule: string): rule is Gate {
  return (GATES as readonly string[]).includes(rule);
}

export function isAuditGate(gate: string): gate is AuditGate {
  return (AUDIT_GATES as readonly string[]).includes(gate);
}

/** One gate failure: the gate, and the route, model, role or environment it is about. */
export interface GateFailure {
  readonly gate: Gate;
  readonly subject?: string;
}

/** The environment a failure happened in, as far as gates care: its name and the gates it turned off. */
export type GateEnvironment = Pick<Environment, 'name' | 'audit'>;

/** What becomes of a gate failure: it fails, or a disabled gate or a waiver accepts it, saying so. */
export type GateJudgement =
  | { readonly verdict: 'fail' }
  | { readonly verdict: 'disabled'; readonly message: string }
  | { readonly verdict: 'waived'; readonly waiver: Waiver; readonly message: string };

/**
 * The one judgement of a gate failure, shared by the validator and the audit. A gate the environment
 * disabled accepts it first; otherwise the first waiver for this gate and subject that has not expired
 * and covers the environment (a waiver naming environments never covers a catalog-wide failure).
 */
export function judgeGateFailure(
  failure: GateFailure,
  environment: GateEnvironment | undefined,
  waivers: readonly Waiver[],
  today: string,
): GateJudgement {
  if (environment?.audit?.disabledGates?.includes(failure.gate)) {
    return { verdict: 'disabled', message: `gate ${failure.gate} is disabled in ${environment.name}` };
  }
  const waiver = waivers.find(
    (w) =>
      w.gate === failure.gate &&
      w.subject === failure.subject &&
      w.expires >= today &&
      (w.environments === undefined || (environment !== undefined && w.environments.includes(environment.name))),
  );
  if (!waiver) return { verdict: 'fail' };
  return {
    verdict: 'waived',
    waiver,
    message: `waived until ${waiver.expires}${waiver.approvedBy ? ` by ${waiver.approvedBy}` : ''}: ${waiver.reason}${waiver.evidence ? ` (evidence: ${waiver.evidence})` : ''}`,
  };
}

/**
 * Turns waived or disabled gate errors into warnings that say why, and reports waivers that have
 * expired (their gate fails again) or that match nothing (stale, worth deleting). Each issue is
 * judged in the environment it names; an issue naming none is catalog-wide.
 */
export function applyWaivers(
  issues: readonly CatalogIssue[],
  catalogDoc: JsonDocument,
  environments: readonly GateEnvironment[],
  today: string,
): CatalogIssue[] {
  const waivers = (catalogDoc.value as ModelCatalog).waivers ?? [];
  const byName = new Map<string, GateEnvironment>();
  for (const env of environments) if (!byName.has(env.name)) byName.set(env.name, env);
  const used = new Set<Waiver>();
  const out = issues.map((issue): CatalogIssue => {
    if (issue.severity !== 'error' || !isGate(issue.rule)) return issue;
    const environment = issue.environment === undefined ? undefined : byName.get(issue.environment);
    const judgement = judgeGateFailure({ gate: issue.rule, subject: issue.subject }, environment, waivers, today);
    if (judgement.verdict === 'fail') return issue;
    if (judgement.verdict === 'waived') used.add(judgement.waiver);
    return { ...issue, severity: 'warning', waived: judgement.message };
  });
  waivers.forEach((w, i) => {
    const pointer = pointerOf(['waivers', i]);
    const at = { file: catalogDoc.file, pointer, ...catalogDoc.locate(pointer) };
    if (w.expires < today) {
      out.push({
        ...at,
        severity: 'warning',
        rule: 'waiver',
        message: `the waiver of ${w.gate} for "${w.subject}" expired on ${w.expires}; the gate applies again`,
        fix: 'fix the cause, or renew the waiver with a new reason',
      });
    } else if (!used.has(w) && !isAuditGate(w.gate)) {
      out.push({
        ...at,
        severity: 'warning',
        rule: 'waiver',
        message: `the waiver of ${w.gate} for "${w.subject}" matches no issue`,
        fix: 'delete it',
      });
    }
  });
  return out;
}
