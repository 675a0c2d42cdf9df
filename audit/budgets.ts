import type { EnvironmentPlan } from '../catalog/plan';
import type { CostEstimate } from './cost';

/** One consumer budget against what the traffic assumptions project for it. */
export interface BudgetRow {
  readonly consumer: string;
  /** The budget's scope: `all routes`, `route <id>` or `model <id>`. */
  readonly scope: string;
  /** The consumer's share of the environment's traffic assumptions (its trafficShare, else an equal share). */
  readonly share: number;
  readonly budgetUsd: number;
  readonly softUsd: number | null;
  /** Its share of the token cost of the routes (or the routes targeting the model) the budget covers. */
  readonly projectedUsd: number;
  readonly status: 'within' | 'over-soft' | 'over-budget';
}

/**
 * Each consumer's monthly budgets against its projected monthly cost: its share of the token cost
 * the audit estimates from the traffic assumptions (estimateCost: each route at its target's
 * prices), over what the budget covers. Instance-hour costs are the platform's, not a consumer's.
 */
export function consumerBudgets(plan: EnvironmentPlan, cost: CostEstimate): BudgetRow[] {
  const consumers = plan.api.consumers;
  const declared = consumers.reduce((a, c) => a + (c.trafficShare ?? 0), 0);
  const unset = consumers.filter((c) => c.trafficShare === undefined).length;
  // Consumers without a share split what the declared shares leave, equally.
  const rest = unset > 0 ? Math.max(0, 1 - declared) / unset : 0;
  return consumers.flatMap((c) => {
    const share = c.trafficShare ?? rest;
    return (c.limits ?? [])
      .filter((l) => l.limit === 'monthlyBudgetUsd')
      .map((l): BudgetRow => {
        const covered = cost.routes.filter(
          (r) => (l.route === undefined || r.route === l.route) && (l.model === undefined || r.model === l.model),
        );
        const projectedUsd = Math.round(share * covered.reduce((a, r) => a + r.monthlyUsd, 0) * 100) / 100;
        return {
          consumer: c.name,
          scope: l.route !== undefined ? `route ${l.route}` : l.model !== undefined ? `model ${l.model}` : 'all routes',
          share: Math.round(share * 1000) / 1000,
          budgetUsd: l.hard,
          softUsd: l.soft ?? null,
          projectedUsd,
          status:
            projectedUsd > l.hard
              ? 'over-budget'
              : l.soft !== undefined && projectedUsd > l.soft
                ? 'over-soft'
                : 'within',
        };
      });
  });
}
