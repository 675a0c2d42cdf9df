import {
  describeCondition,
  endpointSummaries,
  lifecycleNotices,
  modelSummary,
  routeSummary,
  describeCache,
} from '../../audit/summaries';
import { loadProject } from '../../catalog';
import type { EnvironmentPlan, PlannedModel, PlannedRoute } from '../../catalog/plan';

const TODAY = '2026-11-29';
const project = loadProject({ today: TODAY });
const planOf = (name: string): EnvironmentPlan => {
  const plan = project.plans.find((p) => p.name === name);
  if (!plan) throw new Error(`no plan ${name}`);
  return plan;
};
const prod = planOf('prod');
const routeOf = (plan: EnvironmentPlan, id: string): PlannedRoute => {
  const route = plan.routes.find((r) => r.id === id);
  if (!route) throw new Error(`no route ${id} in ${plan.name}`);
  return route;
};
const modelOf = (plan: EnvironmentPlan, id: string): PlannedModel => {
  const model = plan.models.find((m) => m.id === id);
  if (!model) throw new Error(`no model ${id} in ${plan.name}`);
  return model;
};
const withModel = (plan: EnvironmentPlan, id: string, change: (m: PlannedModel) => PlannedModel): EnvironmentPlan => ({
  ...plan,
  models: plan.models.map((m) => (m.id === id ? change(m) : m)),
});
const withLifecycle =
  (lifecycle: PlannedModel['lifecycle']) =>
  (m: PlannedModel): PlannedModel => ({ ...m, lifecycle });

describe('routeSummary', () => {
  it("shows a content-based route's target, each rule in words, and its fallbacks", () => {
    expect(routeSummary(routeOf(prod, 'chat'))).toEqual({
      id: 'chat',
      strategy: 'content-based',
      target: 'claude-haiku-4-5',
      rules: [
        { name: 'images', when: 'has images', target: 'claude-sonnet-4' },
        { name: 'documents', when: 'has documents', target: 'claude-sonnet-4' },
        { name: 'reasoning', when: 'task is reasoning or analysis', target: 'claude-sonnet-4' },
        { name: 'long-input', when: 'input >= 30000 tokens', target: 'nova-lite' },
        { name: 'european-languages', when: 'language is fr or de or es or it', target: 'mistral-large' },
      ],
      fallbacks: ['nova-lite', 'nova-micro'],
    });
  });

  it('shows a route the environment serves statically without rules', () => {
    expect(routeSummary(routeOf(planOf('dev'), 'chat'))).toEqual({
      id: 'chat',
      strategy: 'static',
      target: 'nova-lite',
      rules: [],
      fallbacks: ['nova-micro'],
    });
  });
});

describe('describeCache', () => {
  it("shows a caching route's TTL, scope and the requests it caches", () => {
    expect(routeSummary(routeOf(prod, 'classify')).cache).toBe('1 h, per consumer, temperature 0 only');
    expect(describeCache({ ttlSeconds: 90, sharedAcrossConsumers: true, requests: 'all' })).toBe(
      '90 s, shared across consumers, every request',
    );
  });
});

describe('describeCondition', () => {
  it('joins every part of a condition with and, in a fixed order', () => {
    expect(
      describeCondition({
        metadata: { tier: 'gold', team: 'billing' },
        languages: ['fr'],
        hasDocuments: true,
        hasImages: false,
        maxInputTokens: 8000,
        minInputTokens: 1000,
        taskTypes: ['coding', 'review'],
      }),
    ).toBe(
      'task is coding or review and input >= 1000 tokens and input <= 8000 tokens and no images and has documents and language is fr and tier = gold and team = billing',
    );
  });

  it('says no documents for a condition that excludes them', () => {
    expect(describeCondition({ hasDocuments: false })).toBe('no documents');
  });
});

describe('modelSummary', () => {
  it('shows a Bedrock model called through its inference profile in each Region', () => {
    expect(modelSummary(modelOf(prod, 'claude-sonnet-4'))).toEqual({
      id: 'claude-sonnet-4',
      name: expect.any(String),
      hosting: 'bedrock',
      regions: ['us-east-1', 'us-west-2', 'us-east-2'],
      invokeIds: ['us.anthropic.claude-sonnet-4-20250514-v1:0'],
      inferenceProfile: 'us',
      placements: ['us-east-1', 'us-west-2', 'us-east-2'].map((calledIn) => ({
        calledIn,
        invokeId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        profile: 'us',
        runsIn: ['us-east-1', 'us-east-2', 'us-west-2'],
      })),
      status: 'active',
      replacement: null,
      routes: expect.arrayContaining(['chat', 'code']),
    });
  });

  it('shows a Bedrock model called in-Region by its model id, with no profile', () => {
    expect(modelSummary(modelOf(planOf('staging'), 'mistral-large'))).toMatchObject({
      hosting: 'bedrock',
      regions: ['us-east-1', 'us-west-2'],
      invokeIds: ['mistral.mistral-large-2402-v1:0'],
      inferenceProfile: null,
    });
  });

  it('shows a SageMaker model called on its endpoint in its Region, then on its DR endpoint', () => {
    const model = modelOf(prod, 'llama-3-8b-support-lora');
    if (model.hosting.type !== 'sagemaker') throw new Error('llama-3-8b-support-lora should be on SageMaker');
    expect(modelSummary(model)).toMatchObject({
      hosting: 'sagemaker',
      regions: [model.hosting.region, 'us-west-2'],
      invokeIds: [model.hosting.endpointName, `${model.hosting.endpointName}-dr`],
      inferenceProfile: null,
      routes: ['support'],
    });
  });

  it('names the replacement of a model that has one', () => {
    expect(
      modelSummary(withLifecycle({ status: 'legacy', replacement: 'nova-lite' })(modelOf(prod, 'nova-micro'))),
    ).toMatchObject({ status: 'legacy', replacement: 'nova-lite' });
  });
});

describe('endpointSummaries', () => {
  it('describes each SageMaker endpoint: capacity, roll-out and adapters', () => {
    const [endpoint] = endpointSummaries(prod);
    expect(endpointSummaries(prod)).toEqual([
      {
        model: 'llama-3-8b-support-lora',
        endpointName: endpoint.endpointName,
        capacity: '2 × ml.g5.2xlarge',
        rollout: 'blue/green canary 50%, bake 600 s, alarm rollback',
        adapters: ['support-tone', 'billing-faq'],
        disasterRecovery: `${endpoint.endpointName}-dr in us-west-2, same capacity`,
      },
    ]);
    expect(endpointSummaries(planOf('staging'))).toEqual([
      expect.objectContaining({ capacity: '1 × ml.g5.2xlarge', rollout: 'blue/green, all at once' }),
    ]);
  });

  it('has none where no route calls a SageMaker model', () => {
    expect(endpointSummaries(planOf('dev'))).toEqual([]);
  });

  it('describes a serverless endpoint by its memory and concurrency', () => {
    const serverless = withModel(prod, 'llama-3-8b-support-lora', (m) =>
      m.hosting.type === 'sagemaker'
        ? { ...m, hosting: { ...m.hosting, capacity: { mode: 'serverless', memorySizeMb: 4096, maxConcurrency: 5 } } }
        : m,
    );
    expect(endpointSummaries(serverless)).toEqual([
      expect.objectContaining({ capacity: 'serverless, 4096 MB, 5 concurrent' }),
    ]);
  });
});

describe('lifecycleNotices', () => {
  it('lists nothing for the shipped prod', () => {
    expect(lifecycleNotices(prod, project, TODAY)).toEqual([]);
  });

  it('lists a legacy model with its replacement and the routes that use it', () => {
    const plan = withModel(prod, 'nova-micro', withLifecycle({ status: 'legacy', replacement: 'nova-lite' }));
    expect(lifecycleNotices(plan, project, TODAY)).toEqual([
      {
        model: 'nova-micro',
        status: 'legacy',
        endOfLifeOn: null,
        daysLeft: null,
        replacement: 'nova-lite',
        suggested: null,
        routes: modelOf(prod, 'nova-micro').routes,
      },
    ]);
  });

  it('lists an active model whose end of life falls within 90 days, and suggests a replacement when none is named', () => {
    const plan = withModel(prod, 'claude-haiku-4-5', withLifecycle({ status: 'active', endOfLifeOn: '2027-02-01' }));
    expect(lifecycleNotices(plan, project, TODAY)).toEqual([
      expect.objectContaining({
        model: 'claude-haiku-4-5',
        daysLeft: 64,
        replacement: null,
        suggested: 'claude-sonnet-4',
      }),
    ]);
    expect(
      lifecycleNotices(
        withModel(prod, 'claude-haiku-4-5', withLifecycle({ status: 'active', endOfLifeOn: '2027-02-28' })),
        project,
        TODAY,
      ),
    ).toEqual([]);
  });

  it("takes the window from the plan's resolved audit settings", () => {
    const haiku = withModel(
      prod,
      'claude-haiku-4-5',
      withLifecycle({ status: 'active', endOfLifeOn: '2027-02-28', replacement: 'nova-lite' }),
    );
    expect(lifecycleNotices(haiku, project, TODAY)).toEqual([]);
    const plan = { ...haiku, audit: { ...haiku.audit, lifecycleWindowDays: 120 } };
    expect(lifecycleNotices(plan, project, TODAY)).toEqual([
      expect.objectContaining({ model: 'claude-haiku-4-5', daysLeft: 91, replacement: 'nova-lite', suggested: null }),
    ]);
  });
});
