import type { EnvironmentPlan } from '../catalog/plan';
import { hostingKind } from '../hosting';

/** Hours in an average month (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = 30.4;

export interface RouteCost {
  readonly route: string;
  /** The model assumed to serve the route's traffic: its target (rules and fallbacks shift a share elsewhere). */
  readonly model: string;
  readonly requestsPerDay: number;
  readonly inputTokensPerRequest: number;
  readonly outputTokensPerRequest: number;
  /** Token cost of a Bedrock target; 0 for a SageMaker target (paid by the instance-hour below). */
  readonly monthlyUsd: number;
}

export interface EndpointCost {
  readonly model: string;
  readonly endpointName: string;
  readonly capacity: string;
  readonly monthlyUsd: number | null;
  readonly note?: string;
}

export interface CostEstimate {
  readonly routes: readonly RouteCost[];
  readonly endpoints: readonly EndpointCost[];
  readonly byModel: Readonly<Record<string, number>>;
  readonly totalMonthlyUsd: number;
  readonly assumptions: string;
}

/**
 * Monthly cost from the environment's traffic assumptions and the catalog's prices: each route's
 * tokens at its target's on-demand prices, plus what each model costs by the hour as its hosting
 * kind says (every SageMaker instance all month). Routes without assumptions count as 0 and are
 * listed as such.
 */
export function estimateCost(plan: EnvironmentPlan): CostEstimate {
  const models = new Map(plan.models.map((m) => [m.id, m]));
  const routes: RouteCost[] = plan.routes.map((r) => {
    const t = plan.costAssumptions[r.id] ?? { requestsPerDay: 0, inputTokensPerRequest: 0, outputTokensPerRequest: 0 };
    const m = models.get(r.target)!;
    const perRequest =
      ((m.pricing.inputPerMillionTokensUsd ?? 0) * t.inputTokensPerRequest +
        (m.pricing.outputPerMillionTokensUsd ?? 0) * t.outputTokensPerRequest) /
      1e6;
    return { route: r.id, model: r.target, ...t, monthlyUsd: round(perRequest * t.requestsPerDay * DAYS_PER_MONTH) };
  });
  const endpoints: EndpointCost[] = plan.models.flatMap((m) => {
    const standing = hostingKind(m.hosting).standingCost(m.hosting);
    if (standing === undefined) return [];
    return [
      {
        model: m.id,
        endpointName: standing.resource,
        capacity: standing.capacity,
        monthlyUsd: standing.hourlyUsd === null ? null : round(standing.hourlyUsd * HOURS_PER_MONTH),
        ...(standing.note !== undefined ? { note: standing.note } : {}),
      },
    ];
  });
  const byModel: Record<string, number> = {};
  for (const r of routes) byModel[r.model] = round((byModel[r.model] ?? 0) + r.monthlyUsd);
  for (const e of endpoints) byModel[e.model] = round((byModel[e.model] ?? 0) + (e.monthlyUsd ?? 0));
  const total = round(Object.values(byModel).reduce((a, b) => a + b, 0));
  return {
    routes,
    endpoints,
    byModel,
    totalMonthlyUsd: total,
    assumptions: `traffic from environments/${plan.name}.json costAssumptions, served by each route's target at on-demand prices; ${DAYS_PER_MONTH} days and ${HOURS_PER_MONTH} instance-hours a month`,
  };
}

/** Dollars as the report shows them: `$1,234.50`. */
export function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
