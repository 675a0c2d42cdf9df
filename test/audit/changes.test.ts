import { changeSet, type ChangeSide } from '../../audit/changes';
import { estimateCost } from '../../audit/cost';
import type { IamStatement } from '../../audit/stack-json';
import { loadProject } from '../../catalog';
import type { EnvironmentPlan, PlannedModel, PlannedRoute } from '../../catalog/plan';

const project = loadProject({ today: '2026-11-29' });
const planOf = (name: string): EnvironmentPlan => {
  const plan = project.plans.find((p) => p.name === name);
  if (!plan) throw new Error(`no plan ${name}`);
  return plan;
};
const prod = planOf('prod');
const dev = planOf('dev');

const invoke = (resources: string[], conditions: IamStatement['conditions'] = []): IamStatement => ({
  role: 'aws_iam_role.Router_Role',
  policy: 'aws_iam_role_policy.Router_Models',
  effect: 'Allow',
  actions: ['bedrock:InvokeModel'],
  resources,
  conditions,
});
const profile = 'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0';
const foundationModel = 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0';

const side = (plan: EnvironmentPlan, permissions: readonly IamStatement[] = []): ChangeSide => ({
  plan,
  permissions,
  cost: estimateCost(plan),
});
const withRoute = (plan: EnvironmentPlan, id: string, change: Partial<PlannedRoute>): EnvironmentPlan => ({
  ...plan,
  routes: plan.routes.map((r) => (r.id === id ? { ...r, ...change } : r)),
});
const withModel = (plan: EnvironmentPlan, id: string, change: (m: PlannedModel) => PlannedModel): EnvironmentPlan => ({
  ...plan,
  models: plan.models.map((m) => (m.id === id ? change(m) : m)),
});

describe('changeSet', () => {
  it('finds nothing between an environment and itself', () => {
    expect(changeSet(side(prod, [invoke([profile])]), side(prod, [invoke([profile])]), '2026.11.29-1')).toEqual({
      baseCatalogVersion: '2026.11.29-1',
      routesAdded: [],
      routesRemoved: [],
      retargeted: [],
      fallbacksChanged: [],
      rulesChanged: [],
      modelsAdded: [],
      modelsRemoved: [],
      lifecycleChanged: [],
      endpointsChanged: [],
      registryVersionsChanged: [],
      permissionsAdded: [],
      permissionsRemoved: [],
      cost: {
        baseMonthlyUsd: estimateCost(prod).totalMonthlyUsd,
        headMonthlyUsd: estimateCost(prod).totalMonthlyUsd,
        deltaUsd: 0,
        deltaPercent: 0,
      },
      risks: [],
    });
  });

  it('counts everything as added for an environment the base does not have', () => {
    const c = changeSet(undefined, side(prod, [invoke([profile])]), null);
    expect(c.routesAdded).toEqual(prod.routes.map((r) => r.id));
    expect(c.modelsAdded).toEqual(prod.models.map((m) => m.id));
    expect(c.permissionsAdded).toEqual([`aws_iam_role.Router_Role bedrock:InvokeModel ${profile}`]);
    expect(c.cost).toEqual({
      baseMonthlyUsd: 0,
      headMonthlyUsd: estimateCost(prod).totalMonthlyUsd,
      deltaUsd: estimateCost(prod).totalMonthlyUsd,
      deltaPercent: null,
    });
    expect(c.risks).toEqual([{ risk: 'high', reason: 'permission widened: 1 new grant' }]);
  });

  it('lists routes and models removed from the base', () => {
    const head: EnvironmentPlan = {
      ...prod,
      routes: prod.routes.filter((r) => r.id !== 'code'),
      models: prod.models.filter((m) => m.id !== 'llama-3-1-70b'),
    };
    expect(changeSet(side(prod), side(head), null)).toMatchObject({
      routesRemoved: ['code'],
      modelsRemoved: ['llama-3-1-70b'],
      routesAdded: [],
      modelsAdded: [],
    });
  });

  it('flags a retarget, a new fallback chain and changed rules as one high-risk routing change in production, in that order', () => {
    const chat = prod.routes.find((r) => r.id === 'chat');
    const head = withRoute(
      withRoute(withRoute(prod, 'classify', { target: 'nova-micro' }), 'code', { fallbacks: ['nova-lite'] }),
      'chat',
      { rules: chat ? chat.rules.slice(1) : [] },
    );
    const c = changeSet(side(prod), side(head), null);
    expect(c.retargeted).toEqual([{ route: 'classify', from: 'claude-haiku-4-5', to: 'nova-micro' }]);
    expect(c.fallbacksChanged).toEqual([{ route: 'code', from: ['llama-3-1-70b', 'nova-lite'], to: ['nova-lite'] }]);
    expect(c.rulesChanged).toEqual(['chat']);
    expect(c.risks).toEqual([{ risk: 'high', reason: 'production routing change: classify, code, chat' }]);
  });

  it('counts a strategy change as a rules change, and names each rerouted route once', () => {
    const head = withRoute(prod, 'chat', { strategy: 'static', rules: [], target: 'nova-lite' });
    const c = changeSet(side(prod), side(head), null);
    expect(c.rulesChanged).toEqual(['chat']);
    expect(c.risks).toEqual([{ risk: 'high', reason: 'production routing change: chat' }]);
  });

  it('rates a routing change outside production low', () => {
    const c = changeSet(side(dev), side(withRoute(dev, 'classify', { target: 'claude-haiku-4-5' })), null);
    expect(c.retargeted).toEqual([{ route: 'classify', from: 'nova-micro', to: 'claude-haiku-4-5' }]);
    expect(c.risks).toEqual([{ risk: 'low', reason: 'routing change outside production' }]);
  });

  it('rates a model moving to deprecated medium and to retired high, and a move to preview not at all', () => {
    const lifecycle =
      (status: PlannedModel['lifecycle']['status']) =>
      (m: PlannedModel): PlannedModel => ({ ...m, lifecycle: { ...m.lifecycle, status } });
    const head = withModel(
      withModel(withModel(prod, 'nova-micro', lifecycle('deprecated')), 'mistral-large', lifecycle('retired')),
      'claude-haiku-4-5',
      lifecycle('preview'),
    );
    const c = changeSet(side(prod), side(head), null);
    expect(c.lifecycleChanged).toEqual([
      { model: 'claude-haiku-4-5', from: 'active', to: 'preview' },
      { model: 'nova-micro', from: 'active', to: 'deprecated' },
      { model: 'mistral-large', from: 'active', to: 'retired' },
    ]);
    expect(c.risks).toEqual([
      { risk: 'high', reason: 'model mistral-large moves from active to retired' },
      { risk: 'medium', reason: 'model nova-micro moves from active to deprecated' },
    ]);
  });

  it('shows an endpoint whose capacity changes, high in production and medium elsewhere', () => {
    const resize = (plan: EnvironmentPlan) =>
      withModel(plan, 'llama-3-8b-support-lora', (m) =>
        m.hosting.type === 'sagemaker' && m.hosting.capacity.mode === 'instances'
          ? { ...m, hosting: { ...m.hosting, capacity: { ...m.hosting.capacity, instanceCount: 4 } } }
          : m,
      );
    const c = changeSet(side(prod), side(resize(prod)), null);
    expect(c.endpointsChanged).toEqual([
      {
        model: 'llama-3-8b-support-lora',
        from: '2 × ml.g5.2xlarge; blue/green canary 50%, bake 600 s, alarm rollback',
        to: '4 × ml.g5.2xlarge; blue/green canary 50%, bake 600 s, alarm rollback',
      },
    ]);
    expect(c.risks).toEqual([
      {
        risk: 'high',
        reason: `endpoint of llama-3-8b-support-lora changes: ${c.endpointsChanged[0].from} -> ${c.endpointsChanged[0].to}`,
      },
    ]);
    const staging = planOf('staging');
    expect(changeSet(side(staging), side(resize(staging)), null).risks.map((r) => r.risk)).toEqual(['medium']);
  });

  it('shows a registry version bump as its own risk line, high in production and medium elsewhere', () => {
    const bump = (plan: EnvironmentPlan, to: number | 'latest-approved') =>
      withModel(plan, 'llama-3-8b-support-lora', (m) =>
        m.hosting.type === 'sagemaker' && m.hosting.modelRegistry
          ? { ...m, hosting: { ...m.hosting, modelRegistry: { ...m.hosting.modelRegistry, version: to } } }
          : m,
      );
    const c = changeSet(side(prod), side(bump(prod, 4)), null);
    expect(c.registryVersionsChanged).toEqual([{ model: 'llama-3-8b-support-lora', from: 3, to: 4 }]);
    expect(c.endpointsChanged).toEqual([]);
    expect(c.risks).toEqual([
      {
        risk: 'high',
        reason:
          'registry version of llama-3-8b-support-lora changes: 3 -> 4 (rolled out by its deployment pipeline after the apply)',
      },
    ]);
    const staging = planOf('staging');
    expect(changeSet(side(staging), side(bump(staging, 'latest-approved')), null).risks).toEqual([
      {
        risk: 'medium',
        reason:
          'registry version of llama-3-8b-support-lora changes: 3 -> latest-approved (rolled out by its deployment pipeline after the apply)',
      },
    ]);
  });

  it('compares grants line by line, each condition noted, and sorts them', () => {
    const viaProfile = invoke(
      [foundationModel],
      [{ test: 'StringLike', variable: 'bedrock:InferenceProfileArn', values: [profile] }],
    );
    const c = changeSet(
      side(prod, [invoke([profile])]),
      side(prod, [viaProfile, invoke([profile, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0'])]),
      null,
    );
    expect(c.permissionsAdded).toEqual([
      'aws_iam_role.Router_Role bedrock:InvokeModel arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
      `aws_iam_role.Router_Role bedrock:InvokeModel ${foundationModel} [StringLike bedrock:InferenceProfileArn]`,
    ]);
    expect(c.permissionsRemoved).toEqual([]);
    expect(
      changeSet(side(prod, [invoke([profile])]), side(prod, [{ ...invoke([profile]), effect: 'Deny' }]), null)
        .permissionsRemoved,
    ).toEqual([`aws_iam_role.Router_Role bedrock:InvokeModel ${profile}`]);
  });

  it('reports the cost delta in dollars and percent of the base', () => {
    const head = {
      ...prod,
      costAssumptions: {
        ...prod.costAssumptions,
        classify: { requestsPerDay: 1_000_000, inputTokensPerRequest: 200, outputTokensPerRequest: 10 },
      },
    };
    const c = changeSet(side(prod), side(head), null);
    // classify doubles from 500,000 requests a day of 200 in + 10 out tokens on Claude Haiku 4.5 ($1/$5 per
    // million) over 30.4 days, $3,800 a month: $3,800 more.
    expect(c.cost.deltaUsd).toBe(3800);
    expect(c.cost.deltaPercent).toBe(Math.round((3800 / estimateCost(prod).totalMonthlyUsd) * 1000) / 10);
    expect(c.cost.headMonthlyUsd - c.cost.baseMonthlyUsd).toBeCloseTo(3800, 2);
  });
});
