import { checkProject, loadProject, CatalogValidationError } from '../../catalog';
import { routingTableErrors } from '../../contracts/routing-table';
import { tempProject } from '../support/project';

describe('loadProject on the shipped catalog', () => {
  const project = loadProject({ today: '2026-11-29' });

  it('resolves every environment, development tiers first', () => {
    expect(project.plans.map((p) => p.name)).toEqual(['dev', 'staging', 'prod']);
    expect(project.warnings.filter((w) => w.severity === 'error')).toEqual([]);
  });

  it('returns deeply frozen plans', () => {
    const prod = project.plans[2];
    expect(Object.isFrozen(prod)).toBe(true);
    expect(Object.isFrozen(prod.routes[0].fallbacks)).toBe(true);
    expect(Object.isFrozen(prod.routingTable.models['nova-lite'].targets)).toBe(true);
  });

  it('produces routing tables that pass their draft-04 schema', () => {
    for (const plan of project.plans) expect(routingTableErrors(plan.routingTable)).toEqual([]);
  });

  it('calls a profile-only model through its inference profile in the primary and each failover Region', () => {
    const prod = project.plans.find((p) => p.name === 'prod')!;
    const sonnet = prod.models.find((m) => m.id === 'claude-sonnet-4')!;
    expect(sonnet.hosting.type).toBe('bedrock');
    if (sonnet.hosting.type !== 'bedrock') return;
    expect(sonnet.hosting.invocations.map((i) => [i.region, i.invokeId])).toEqual([
      ['us-east-1', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
      ['us-west-2', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
      ['us-east-2', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
    ]);
    expect(sonnet.hosting.invocations[0].profile?.arn).toBe('arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(sonnet.hosting.invocations[0].foundationModelArns).toEqual([
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
  });

  it('calls an in-Region model by its model id where no profile covers the Region', () => {
    const staging = project.plans.find((p) => p.name === 'staging')!;
    const mistral = staging.models.find((m) => m.id === 'mistral-large')!;
    if (mistral.hosting.type !== 'bedrock') throw new Error('mistral-large should be on Bedrock');
    expect(mistral.hosting.invocations).toEqual([
      { region: 'us-east-1', invokeId: 'mistral.mistral-large-2402-v1:0', foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0'] },
      { region: 'us-west-2', invokeId: 'mistral.mistral-large-2402-v1:0', foundationModelArns: ['arn:aws:bedrock:us-west-2::foundation-model/mistral.mistral-large-2402-v1:0'] },
    ]);
  });

  it('applies environment overrides: dev serves chat statically from a cheaper model and has no SageMaker endpoint', () => {
    const dev = project.plans.find((p) => p.name === 'dev')!;
    const chat = dev.routes.find((r) => r.id === 'chat')!;
    expect(chat).toMatchObject({ strategy: 'static', target: 'nova-lite', rules: [], fallbacks: ['nova-micro'] });
    expect(dev.models.some((m) => m.hosting.type === 'sagemaker')).toBe(false);
    expect(dev.routingTable.logPromptText).toBe(true);
  });

  it('sizes the fine-tuned model per environment and lists its adapters for the router', () => {
    const prod = project.plans.find((p) => p.name === 'prod')!;
    const lora = prod.models.find((m) => m.id === 'llama-3-8b-support-lora')!;
    expect(lora.hosting).toMatchObject({
      type: 'sagemaker',
      endpointName: 'fm-prod-llama-3-8b-support-lora',
      capacity: { mode: 'instances', instanceType: 'ml.g5.2xlarge', instanceCount: 2 },
      rollout: { type: 'canary', stepPercent: 50 },
      modelRegistry: { packageGroup: 'llama-3-support', approvedVersion: 3 },
    });
    expect(prod.routingTable.models['llama-3-8b-support-lora']).toMatchObject({
      hosting: 'sagemaker',
      targets: [{ region: 'us-east-1', id: 'fm-prod-llama-3-8b-support-lora' }],
      adapters: [{ name: 'support-tone' }, { name: 'billing-faq' }],
    });
  });

  it('grants exactly the models the enabled routes may call', () => {
    const prod = project.plans.find((p) => p.name === 'prod')!;
    const used = new Set(prod.routes.flatMap((r) => r.candidates));
    expect(new Set(prod.models.map((m) => m.id))).toEqual(used);
    expect(used.has('titan-text-express')).toBe(false);
    expect(used.has('claude-3-5-sonnet-v2')).toBe(false);
  });

  it('loads only the environments asked for', () => {
    expect(loadProject({ only: ['staging'] }).plans.map((p) => p.name)).toEqual(['staging']);
  });
});

describe('loadProject on an invalid catalog', () => {
  it('throws a CatalogValidationError carrying every issue, not only the first', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      c.routes[0].fallbacks = ['nova-lit', 'nova-micro'];
      c.routes[2].target = 'claude-3-haik';
    });
    let thrown: unknown;
    try {
      loadProject({ catalogPath, environmentsDir });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CatalogValidationError);
    const issues = (thrown as CatalogValidationError).issues.filter((i) => i.rule === 'unknown-model');
    expect(issues.map((i) => [i.pointer, i.fix])).toEqual([
      ['/routes/0/fallbacks/0', 'did you mean "nova-lite"?'],
      ['/routes/2/target', 'did you mean "claude-3-haiku"?'],
    ]);
  });

  it("names the environment on the issues its rules raise, and none on the catalog's own", () => {
    const { catalogPath, environmentsDir } = tempProject((c, e) => {
      c.routes[2].target = 'claude-3-haik';
      e.dev.routes[0] = { ...e.dev.routes[0], target: 'nova-lit' };
    });
    const issues = checkProject({ catalogPath, environmentsDir, only: ['dev'] }).issues.filter((i) => i.rule === 'unknown-model');
    expect(issues.map((i) => [i.message, i.environment])).toEqual([
      ['unknown model "nova-lit"', 'dev'],
      ['unknown model "claude-3-haik"', undefined],
    ]);
  });

  it('fails when the environments folder is missing', () => {
    const result = checkProject({ environmentsDir: '/nonexistent/environments' });
    expect(result.project).toBeUndefined();
    expect(result.issues[0].message).toBe('environments folder not found: /nonexistent/environments');
  });

  it('fails for an environment asked for that does not exist', () => {
    const result = checkProject({ only: ['qa'] });
    expect(result.issues.map((i) => i.message)).toEqual(['no environment named "qa"']);
    expect(result.issues[0].expected).toBe('one of dev, prod, staging');
  });
});
