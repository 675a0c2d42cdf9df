import type { CatalogIssue } from '../catalog/issues';
import type { EnvironmentPlan } from '../catalog/plan';
import { AUDIT_GATES, GATES, isGate, judgeGateFailure, type AuditGate } from '../catalog/waivers';
import type { Environment } from '../schemas/generated/environment';
import type { Waiver } from '../schemas/generated/model-catalog';
import { usd } from './cost';
import { wildcardInvokeResources } from './permissions';
import type { IamStatement } from './stack-json';
import type { ChangeSet, GateResult } from './types';

/** The cost-increase gate's threshold where the environment sets none. */
const DEFAULT_COST_INCREASE_THRESHOLD_PERCENT = 25;

/** What the audit's own gates look at in one environment. */
export interface GateContext {
  readonly plan: EnvironmentPlan;
  /** The environment file's values (its audit settings among them). */
  readonly environment: Environment | undefined;
  readonly permissions: readonly IamStatement[];
  /** Against a base only. */
  readonly changes: ChangeSet | undefined;
}

/** One thing a gate found wrong, about one subject (a role, an environment ...). */
export interface GateFinding {
  readonly subject: string;
  readonly message: string;
}

export interface AuditGateCheck {
  /** How to fix what the gate finds, shown with every failure. */
  readonly fix: string;
  readonly check: (ctx: GateContext) => GateFinding[];
}

/** The gates only the audit evaluates, each with its check and its fix (the validator's gates are its rules). */
export const AUDIT_GATE_CHECKS: { readonly [G in AuditGate]: AuditGateCheck } = {
  'wildcard-invoke': {
    fix: 'grant the exact model, profile and endpoint ARNs the catalog lists',
    check: ({ permissions }) =>
      permissions.flatMap((s) => {
        const wild = wildcardInvokeResources(s);
        return wild.length
          ? [{ subject: s.role, message: `${s.role} may invoke models on ${wild.join(', ')} (${s.policy})` }]
          : [];
      }),
  },
  'cost-increase': {
    fix: 'check the traffic assumptions and targets, or waive the gate with a reason',
    check: ({ plan, environment, changes }) => {
      const delta = changes?.cost;
      const threshold = environment?.audit?.costIncreaseThresholdPercent ?? DEFAULT_COST_INCREASE_THRESHOLD_PERCENT;
      if (!delta || delta.deltaPercent === null || delta.deltaPercent <= threshold) return [];
      return [
        {
          subject: plan.name,
          message: `estimated monthly cost rises ${delta.deltaPercent}% (${usd(delta.baseMonthlyUsd)} -> ${usd(delta.headMonthlyUsd)}), above the ${threshold}% threshold`,
        },
      ];
    },
  },
};

/**
 * Every gate's result in one environment, in gate order: the validator's gates that a waiver or a
 * disabled gate accepted (a failing one never gets this far: the catalog does not validate), then
 * the audit's own gates, each failure judged by the same waiver judgement as the validator's.
 */
export function gateResults(
  ctx: GateContext,
  issues: readonly CatalogIssue[],
  waivers: readonly Waiver[],
  today: string,
): GateResult[] {
  const results: GateResult[] = [...acceptedValidatorGates(issues, ctx.plan.name)];
  for (const gate of AUDIT_GATES) {
    const { fix, check } = AUDIT_GATE_CHECKS[gate];
    for (const { subject, message } of check(ctx)) {
      const judgement = judgeGateFailure({ gate, subject }, ctx.environment, waivers, today);
      results.push(
        judgement.verdict === 'fail'
          ? { gate, status: 'fail', subject, message, fix }
          : { gate, status: 'waived', subject, message, waiver: judgement.message },
      );
    }
  }
  for (const gate of GATES) if (!results.some((r) => r.gate === gate)) results.push({ gate, status: 'pass' });
  return results.sort((a, b) => GATES.indexOf(a.gate) - GATES.indexOf(b.gate));
}

/** Gate issues of this environment, or of the whole catalog, that the validator turned into warnings. */
function acceptedValidatorGates(issues: readonly CatalogIssue[], environment: string): GateResult[] {
  return issues.flatMap((issue): GateResult[] => {
    if (!isGate(issue.rule) || !issue.waived) return [];
    if (issue.environment !== undefined && issue.environment !== environment) return [];
    return [
      {
        gate: issue.rule,
        status: 'waived',
        ...(issue.subject ? { subject: issue.subject } : {}),
        message: issue.message,
        waiver: issue.waived,
      },
    ];
  });
}
