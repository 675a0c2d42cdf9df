import type { EnvironmentPlan } from '../catalog/plan';
import { hostingKind } from '../hosting';

/** Minutes in a day: a day's requests over its minutes is the mean minute the peak factor scales. */
const MINUTES_PER_DAY = 1440;

/**
 * The peak load of one model in one Region against the Bedrock quota the router draws on there: its
 * routes' traffic assumptions (each route's traffic served by its target, in the primary Region,
 * as the cost estimate assumes), over a day's minutes, times the environment's peak factor.
 */
export interface HeadroomRow {
  readonly model: string;
  readonly region: string;
  /** The quota the call draws on: on-demand (the model id) or cross-region (through a profile). */
  readonly invocation: 'on-demand' | 'cross-region';
  readonly invokeId: string;
  readonly routes: readonly string[];
  readonly peakRequestsPerMinute: number;
  /** Quota tokens: input plus output times the quota's output-token burndown rate. */
  readonly peakTokensPerMinute: number;
  readonly quota: {
    readonly requestsPerMinute: number;
    readonly tokensPerMinute: number;
    readonly outputTokenBurndown: number;
    readonly source: string;
  } | null;
  /** The larger share of the two quotas the peak uses (percent), or null without a quota. */
  readonly usedPercent: number | null;
  readonly status: 'ok' | 'warn' | 'over' | 'no-quota';
}

/** The headroom of every Bedrock model a route targets; undefined when the environment declares no quotas. */
export function quotaHeadroom(plan: EnvironmentPlan): HeadroomRow[] | undefined {
  const quotas = plan.audit.quotas;
  if (!quotas) return undefined;
  const models = new Map(plan.models.map((m) => [m.id, m]));
  const loads = new Map<
    string,
    { model: string; invocation: HeadroomRow['invocation']; invokeId: string; routes: string[]; perDay: Traffic[] }
  >();
  for (const r of plan.routes) {
    const traffic = plan.costAssumptions[r.id];
    const m = models.get(r.target);
    if (!traffic || !m || m.hosting.type !== 'bedrock') continue;
    const placement = hostingKind(m.hosting)
      .auditRow(m.hosting)
      .placements.find((p) => p.calledIn === plan.region);
    if (!placement) continue;
    const invocation = placement.profile ? 'cross-region' : 'on-demand';
    const key = `${m.id} ${invocation}`;
    const load = loads.get(key) ?? { model: m.id, invocation, invokeId: placement.invokeId, routes: [], perDay: [] };
    load.routes.push(r.id);
    load.perDay.push(traffic);
    loads.set(key, load);
  }
  return [...loads.values()].map((load): HeadroomRow => {
    const quota = quotas.bedrock.find(
      (q) => q.model === load.model && q.region === plan.region && q.invocation === load.invocation,
    );
    const burndown = quota?.outputTokenBurndown ?? 1;
    const perMinute = (n: number) => round((n / MINUTES_PER_DAY) * quotas.peakFactor);
    const peakRequestsPerMinute = perMinute(load.perDay.reduce((a, t) => a + t.requestsPerDay, 0));
    const peakTokensPerMinute = perMinute(
      load.perDay.reduce(
        (a, t) => a + t.requestsPerDay * (t.inputTokensPerRequest + burndown * t.outputTokensPerRequest),
        0,
      ),
    );
    const used = quota
      ? Math.max(
          share(peakRequestsPerMinute, quota.requestsPerMinute),
          share(peakTokensPerMinute, quota.tokensPerMinute),
        )
      : null;
    // A zero quota that any load exceeds has no finite share: the row says over, its share is null.
    const usedPercent = used !== null && Number.isFinite(used) ? round(used) : null;
    return {
      model: load.model,
      region: plan.region,
      invocation: load.invocation,
      invokeId: load.invokeId,
      routes: load.routes,
      peakRequestsPerMinute,
      peakTokensPerMinute,
      quota: quota
        ? {
            requestsPerMinute: quota.requestsPerMinute,
            tokensPerMinute: quota.tokensPerMinute,
            outputTokenBurndown: burndown,
            source: quota.source,
          }
        : null,
      usedPercent,
      status: used === null ? 'no-quota' : used > 100 ? 'over' : used > quotas.warnAtPercent ? 'warn' : 'ok',
    };
  });
}

type Traffic = EnvironmentPlan['costAssumptions'][string];

/** Percent of a quota a load uses; a zero quota is exceeded by any load. */
function share(load: number, quota: number): number {
  if (quota === 0) return load === 0 ? 0 : Infinity;
  return (load / quota) * 100;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
