import type { CatalogIssue } from '../catalog/issues';
import type { EnvironmentPlan, PlannedModel } from '../catalog/plan';
import { regionInGeography, type Geography } from '../catalog/regions';
import { AUDIT_GATES, GATES, isGate, judgeGateFailure, type AuditGate } from '../catalog/waivers';
import { hostingKind } from '../hosting';
import type { Waiver } from '../schemas/generated/model-catalog';
import { DEFAULT_TRAFFIC, latencyOf } from '../selection/figures';
import { consumerBudgets } from './budgets';
import { estimateCost, usd } from './cost';
import { quotaHeadroom } from './headroom';
import { wildcardInvokeResources } from './permissions';
import type { IamStatement, UnreadablePolicy } from './stack-json';
import type { ChangeSet, GateResult } from './types';

/** What the audit's own gates look at in one environment. */
export interface GateContext {
  /** The environment's plan, its audit settings resolved (audit.*). */
  readonly plan: EnvironmentPlan;
  readonly permissions: readonly IamStatement[];
  /** Role policies neither the plan nor the synthesized stack could show. */
  readonly unreadable: readonly UnreadablePolicy[];
  /** Against a base only. */
  readonly changes: ChangeSet | undefined;
}

/** One thing a gate found wrong, about one subject (a role, a route, an environment ...). */
export interface GateFinding {
  readonly subject: string;
  readonly message: string;
  /** A warning reports without failing the audit. @default 'fail' */
  readonly severity?: 'fail' | 'warn';
  /** What the gate could not evaluate fails whatever a waiver says (a disabled gate still turns it off). */
  readonly unevaluated?: boolean;
  /** A fix of its own, where the gate's fix does not apply. */
  readonly fix?: string;
}

export interface AuditGateCheck {
  /** How to fix what the gate finds, shown with every failure. */
  readonly fix: string;
  readonly check: (ctx: GateContext) => GateFinding[];
}

const GEOGRAPHIES: readonly Geography[] = ['us', 'eu', 'apac', 'jp', 'au', 'us-gov'];

/** The gates only the audit evaluates, each with its check and its fix (the validator's gates are its rules). */
export const AUDIT_GATE_CHECKS: { readonly [G in AuditGate]: AuditGateCheck } = {
  'wildcard-invoke': {
    fix: 'grant the exact model, profile and endpoint ARNs the catalog lists',
    check: ({ permissions, unreadable }) => [
      ...unreadable.map((u) => ({
        subject: u.role,
        message: `could not evaluate ${roleLabel(u)}: ${u.policy}: ${u.reason}; no permissions gate passes a role it has not read`,
        unevaluated: true,
        fix: 'audit the plan together with the code it was made from (the same commit: its synthesized stack shows the policy), or write the policy as a document Terraform knows at plan time',
      })),
      ...permissions.flatMap((s) => {
        const wild = wildcardInvokeResources(s);
        return wild.length
          ? [{ subject: s.role, message: `${roleLabel(s)} may invoke models on ${wild.join(', ')} (${s.policy})` }]
          : [];
      }),
    ],
  },
  'cost-increase': {
    fix: 'check the traffic assumptions and targets, or waive the gate with a reason',
    check: ({ plan, changes }) => {
      const delta = changes?.cost;
      const threshold = plan.audit.costIncreaseThresholdPercent;
      if (!delta || delta.deltaPercent === null || delta.deltaPercent <= threshold) return [];
      return [
        {
          subject: plan.name,
          message: `estimated monthly cost rises ${delta.deltaPercent}% (${usd(delta.baseMonthlyUsd)} -> ${usd(delta.headMonthlyUsd)}), above the ${threshold}% threshold`,
        },
      ];
    },
  },
  'data-residency': {
    fix: "call the model through a profile (or in a Region) inside the environment's dataResidency.allowed, choose another candidate, or remove the failover Region",
    check: ({ plan }) => residencyFindings(plan),
  },
  'quota-headroom': {
    fix: 'request a quota increase (Service Quotas, Amazon Bedrock) and record the applied figure in quotas.bedrock, spread the load over a cross-Region profile, or lower the traffic assumption',
    check: ({ plan }) => headroomFindings(plan),
  },
  'production-retarget-evidence': {
    fix: 'measure the new target on your traffic with npm run evaluate -- --route <route> --target bedrock --write-catalog and commit its performance, or waive the gate with the evaluation report in `evidence`',
    check: ({ plan, changes }) => {
      if (plan.tier !== 'production' || !changes) return [];
      const models = new Map(plan.models.map((m) => [m.id, m]));
      return changes.retargeted.flatMap((r) => {
        const to = models.get(r.to);
        if (!to || to.performance) return [];
        return [
          {
            subject: r.route,
            severity: 'warn' as const,
            message: `production route "${r.route}" moves from ${r.from} to ${r.to}, whose performance is unmeasured (priors only): run npm run evaluate -- --route ${r.route} on its traffic first`,
          },
        ];
      });
    },
  },
  'consumer-budget': {
    fix: "raise the consumer's monthlyBudgetUsd, lower its trafficShare or the traffic assumptions, or move its routes to cheaper models",
    check: ({ plan }) =>
      consumerBudgets(plan, estimateCost(plan)).flatMap((b) =>
        b.status === 'over-budget'
          ? [
              {
                subject: b.consumer,
                severity: 'warn' as const,
                message: `consumer "${b.consumer}" is projected to spend ${usd(b.projectedUsd)} a month (${b.share * 100}% of the traffic assumptions, ${b.scope}), above its budget of ${usd(b.budgetUsd)}: the router will refuse it once the budget is spent`,
              },
            ]
          : [],
      ),
  },
  'fallback-degradation': {
    fix: 'order the fallback chain so each step is cheaper and no slower than the one before it (graceful degradation), or waive the gate with a reason',
    check: ({ plan }) => degradationFindings(plan),
  },
};

function roleLabel(r: { readonly role: string; readonly roleName?: string }): string {
  return r.roleName ? `${r.role} (${r.roleName})` : r.role;
}

/** Whether inference in a Region stays inside the allowed geographies and Regions. */
function allowedRegion(region: string, allowed: readonly string[]): boolean {
  return allowed.some(
    (a) => a === region || (GEOGRAPHIES.includes(a as Geography) && regionInGeography(region, a as Geography)),
  );
}

/** Each route whose candidates may run outside the allowed set, and each failover Region outside it. */
function residencyFindings(plan: EnvironmentPlan): GateFinding[] {
  const boundary = plan.audit.dataResidency;
  if (!boundary) return [];
  const allowed = boundary.allowed;
  const within = `${allowed.join(', ')}${boundary.reason ? ` (${boundary.reason})` : ''}`;
  const outside = new Map<string, string[]>();
  for (const m of plan.models) {
    // One phrase per way of calling the model and where it then runs, naming every Region it is called in.
    const calledIn = new Map<string, string[]>();
    for (const p of hostingKind(m.hosting).auditRow(m.hosting).placements) {
      const where =
        p.runsIn === 'any-commercial-region'
          ? '(a global profile) may run in any commercial Region'
          : p.runsIn.filter((r) => !allowedRegion(r, allowed)).join(', ');
      if (where === '') continue;
      const key = JSON.stringify([p.invokeId, p.runsIn === 'any-commercial-region' ? where : `may run in ${where}`]);
      calledIn.set(key, [...(calledIn.get(key) ?? []), p.calledIn]);
    }
    const leaks = [...calledIn].map(([key, regions]) => {
      const [invokeId, where] = JSON.parse(key) as [string, string];
      return `${m.id} called as ${invokeId} in ${regions.join(', ')} ${where}`;
    });
    if (leaks.length) outside.set(m.id, leaks);
  }
  const findings: GateFinding[] = plan.routes.flatMap((r) => {
    const leaks = r.candidates.flatMap((id) => outside.get(id) ?? []);
    return leaks.length ? [{ subject: r.id, message: `route "${r.id}": ${leaks.join('; ')}; allowed: ${within}` }] : [];
  });
  const failover = plan.failoverRegions.filter((r) => !allowedRegion(r, allowed));
  if (failover.length)
    findings.push({
      subject: plan.name,
      message: `failover Region${failover.length === 1 ? '' : 's'} ${failover.join(', ')} of ${plan.name} outside the allowed ${within}`,
    });
  return findings;
}

/** Each model whose peak nears or passes its quota, or has no quota declared to compare with. */
function headroomFindings(plan: EnvironmentPlan): GateFinding[] {
  const rows = quotaHeadroom(plan);
  if (!rows)
    return [
      {
        subject: plan.name,
        severity: 'warn',
        message: `${plan.name} declares no Bedrock quotas (quotas in environments/${plan.name}.json): its headroom is unknown`,
      },
    ];
  const warnAt = plan.audit.quotas?.warnAtPercent ?? 100;
  return rows.flatMap((row): GateFinding[] => {
    const subject = `${row.model}@${row.region}`;
    const load = `peak ${row.peakRequestsPerMinute} requests and ${row.peakTokensPerMinute} tokens a minute (routes ${row.routes.join(', ')})`;
    if (row.status === 'no-quota')
      return [
        {
          subject,
          severity: 'warn',
          message: `${row.model} called ${row.invocation} as ${row.invokeId} in ${row.region} has no ${row.invocation} quota declared: ${load} against an unknown quota`,
        },
      ];
    if (row.status === 'ok' || !row.quota) return [];
    const used = row.usedPercent === null ? 'all' : `${row.usedPercent}%`;
    return [
      {
        subject,
        severity: row.status === 'over' ? 'fail' : 'warn',
        message: `${row.model} ${row.invocation} in ${row.region}: ${load} uses ${used} of its quota (${row.quota.requestsPerMinute} requests, ${row.quota.tokensPerMinute} tokens a minute)${row.status === 'over' ? ': requests will be throttled at peak' : `, above the ${warnAt}% warning line`}`,
      },
    ];
  });
}

/** Each route whose fallback chain gets dearer (by token price at its traffic) or slower (by p50) down the chain. */
function degradationFindings(plan: EnvironmentPlan): GateFinding[] {
  const models = new Map(plan.models.map((m) => [m.id, m]));
  return plan.routes.flatMap((r): GateFinding[] => {
    const traffic = plan.costAssumptions[r.id] ?? DEFAULT_TRAFFIC;
    const chain = [r.target, ...r.fallbacks].map((id) => models.get(id)).filter((m): m is PlannedModel => !!m);
    const steps: string[] = [];
    for (let i = 1; i < chain.length; i++) {
      const [a, b] = [chain[i - 1], chain[i]];
      const [ca, cb] = [tokenCostPer1k(a, traffic), tokenCostPer1k(b, traffic)];
      if (ca !== undefined && cb !== undefined && cb > ca)
        steps.push(`${b.id} after ${a.id} is dearer ($${cb.toFixed(4)} against $${ca.toFixed(4)} per 1,000 requests)`);
      const [la, lb] = [latencyOf(a), latencyOf(b)];
      if (lb.value > la.value)
        steps.push(
          `${b.id} after ${a.id} is slower (p50 ${lb.value} ms${lb.measured ? '' : ' prior'} against ${la.value} ms${la.measured ? '' : ' prior'})`,
        );
    }
    return steps.length
      ? [
          {
            subject: r.id,
            severity: 'warn',
            message: `route "${r.id}" degrades out of order: ${steps.join('; ')}`,
          },
        ]
      : [];
  });
}

/** USD per 1,000 requests at a model's token prices; undefined for a model billed otherwise (by the instance-hour). */
function tokenCostPer1k(m: PlannedModel, t: EnvironmentPlan['costAssumptions'][string]): number | undefined {
  const { inputPerMillionTokensUsd: i, outputPerMillionTokensUsd: o } = m.pricing;
  if (i === undefined || o === undefined) return undefined;
  return Math.round(((i * t.inputTokensPerRequest + o * t.outputTokensPerRequest) / 1e6) * 1000 * 10000) / 10000;
}

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
    const { fix: gateFix, check } = AUDIT_GATE_CHECKS[gate];
    for (const { subject, message, severity = 'fail', unevaluated = false, fix = gateFix } of check(ctx)) {
      const judgement = judgeGateFailure({ gate, subject }, ctx.plan, waivers, today);
      results.push(
        judgement.verdict === 'fail' || (unevaluated && judgement.verdict === 'waived')
          ? { gate, status: severity, subject, message, fix }
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
