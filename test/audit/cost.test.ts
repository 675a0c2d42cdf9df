import { estimateCost, usd } from '../../audit/cost';
import { loadProject } from '../../catalog';
import type { EnvironmentPlan, PlannedModel } from '../../catalog/plan';

const project = loadProject({ only: ['prod'], today: '2026-11-29' });
const [prod] = project.plans;
const withEndpoint = (
  plan: EnvironmentPlan,
  capacity: Extract<PlannedModel['hosting'], { type: 'sagemaker' }>['capacity'],
): EnvironmentPlan => ({
  ...plan,
  models: plan.models.map((m) => (m.hosting.type === 'sagemaker' ? { ...m, hosting: { ...m.hosting, capacity } } : m)),
});

describe('estimateCost', () => {
  it('estimates cost from the traffic assumptions and prices, instance-hours included', () => {
    const cost = estimateCost(prod);
    // classify: 500,000 requests/day × (200 × $1 + 10 × $5) / 1M tokens × 30.4 days
    expect(cost.routes.find((r) => r.route === 'classify')).toMatchObject({
      model: 'claude-haiku-4-5',
      monthlyUsd: 3800,
    });
    // 2 × ml.g5.2xlarge at $1.515/hour for 730 hours, in us-east-1 and again in the DR Region us-west-2
    expect(cost.endpoints).toEqual([
      expect.objectContaining({
        model: 'llama-3-8b-support-lora',
        capacity: '2 × ml.g5.2xlarge in us-east-1 + 2 × ml.g5.2xlarge in us-west-2',
        monthlyUsd: 4423.8,
      }),
    ]);
    expect(cost.totalMonthlyUsd).toBeCloseTo(
      Object.values(cost.byModel).reduce((a, b) => a + b, 0),
      2,
    );
  });

  it('counts a route without traffic assumptions as nothing', () => {
    const cost = estimateCost({ ...prod, costAssumptions: {} });
    expect(cost.routes.every((r) => r.monthlyUsd === 0 && r.requestsPerDay === 0)).toBe(true);
    expect(cost.totalMonthlyUsd).toBe(4423.8);
  });

  it('does not estimate a serverless endpoint, or instances without a price, and says why', () => {
    expect(
      estimateCost(withEndpoint(prod, { mode: 'serverless', memorySizeMb: 4096, maxConcurrency: 5 })).endpoints,
    ).toEqual([
      expect.objectContaining({
        capacity: 'serverless 4096 MB',
        monthlyUsd: null,
        note: 'billed per inference second; not estimated',
      }),
    ]);
    expect(
      estimateCost(withEndpoint(prod, { mode: 'instances', instanceType: 'ml.g6.xlarge', instanceCount: 1 })).endpoints,
    ).toEqual([
      expect.objectContaining({
        capacity: '1 × ml.g6.xlarge in us-east-1 + 1 × ml.g6.xlarge in us-west-2',
        monthlyUsd: null,
        note: 'no price for ml.g6.xlarge: set instanceHourUsd in the environment',
      }),
    ]);
  });
});

describe('usd', () => {
  it('shows dollars with thousands separators and two decimals', () => {
    expect([usd(0), usd(950), usd(22055.5), usd(1234567.891)]).toEqual([
      '$0.00',
      '$950.00',
      '$22,055.50',
      '$1,234,567.89',
    ]);
  });
});
