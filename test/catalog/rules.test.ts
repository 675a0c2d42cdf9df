import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, checkProject } from '../../catalog';
import type { CatalogIssue } from '../../catalog/issues';
import { replacementSuggester } from '../../selection/rank';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import type { Environment } from '../../schemas/generated/environment';
import { modelById as model, pointerById, replaceSelection, routeById, type IdSegment } from '../support/by-id';
import { tempProject } from '../support/project';
import { CUSTOM_MODEL_ID, customModelIn, withCustomModel } from '../support/bedrock-custom';

type Mutation = (c: ModelCatalog, e: Record<string, Environment>) => void;
/** The JSON Pointer of a path written with ids, in the file of the expected issue as the fixture left it. */
type At = (path: readonly IdSegment[]) => string;

interface Fixture {
  readonly name: string;
  readonly change: Mutation;
  /** The issue the fixture must produce: file is 'catalog' or an environment name; `at` addresses models and routes by id. */
  readonly expect: {
    rule: string;
    file: string;
    at: readonly IdSegment[];
    message: string | ((at: At) => string);
    fix?: string;
    severity?: 'error' | 'warning';
  };
}

// Schema fixtures write values the types forbid, as a careless edit would.
const raw = (value: object): Record<string, unknown> => value as Record<string, unknown>;

/** One failing fixture per schema kind and per cross-field rule and file it judges, each with the message it must produce. */
const FIXTURES: readonly Fixture[] = [
  // --- JSON Schema: catalog
  {
    name: 'fails on an unknown property, suggesting the intended one',
    change: (c) => (raw(model(c, 'nova-lite').capabilities).contextWindow = 300000),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', 'nova-lite', 'capabilities', 'contextWindow'],
      message: 'unknown property "contextWindow"',
      fix: 'did you mean "contextWindowTokens"?',
    },
  },
  {
    name: 'fails on a value outside an enum, suggesting the closest',
    change: (c) => (raw(model(c, 'nova-lite').lifecycle).status = 'actve'),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', 'nova-lite', 'lifecycle', 'status'],
      message: '"actve" is not allowed here',
      fix: 'did you mean "active"?',
    },
  },
  {
    name: 'fails on a wrong type',
    change: (c) => (raw(model(c, 'nova-lite').capabilities).maxOutputTokens = '10000'),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', 'nova-lite', 'capabilities', 'maxOutputTokens'],
      message: 'expected integer, found a string "10000"',
    },
  },
  {
    name: 'fails on a missing required property',
    change: (c) => delete raw(routeById(c, 'code')).resilience,
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['routes', 'code'],
      message: 'missing required property "resilience"',
      fix: 'add "resilience"',
    },
  },
  {
    name: 'fails on an id that is not kebab-case',
    change: (c) => (routeById(c, 'classify').id = 'Classify_Text'),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['routes', 'Classify_Text', 'id'],
      message: '"Classify_Text" does not have the expected form',
    },
  },
  {
    name: 'fails on an unknown hosting type',
    change: (c) => (raw(model(c, 'command-r').hosting).type = 'bedrok'),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', 'command-r', 'hosting', 'type'],
      message: 'type "bedrok" is not a known hosting type',
      fix: 'did you mean "bedrock"?',
    },
  },
  {
    name: 'fails on a repeated list item',
    change: (c) => (model(c, 'nova-micro').capabilities.languages = ['en', 'fr', 'en']),
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', 'nova-micro', 'capabilities', 'languages'],
      message: 'items 0 and 2 are the same; each may appear once',
      fix: 'remove item 2',
    },
  },
  // --- JSON Schema: environment
  {
    name: 'fails on an environment property that does not exist',
    change: (_c, e) => (raw(e.prod).failover = ['us-west-2']),
    expect: {
      rule: 'schema',
      file: 'prod',
      at: ['failover'],
      message: 'unknown property "failover"',
      fix: 'did you mean "failoverRegions"?',
    },
  },
  {
    name: 'fails on a log retention CloudWatch does not offer',
    change: (_c, e) => (raw(e.dev.logs).retentionDays = 10),
    expect: { rule: 'schema', file: 'dev', at: ['logs', 'retentionDays'], message: '10 is not allowed here' },
  },
  {
    name: 'fails on a malformed account id',
    change: (_c, e) => (e.staging.account = '2222'),
    expect: { rule: 'schema', file: 'staging', at: ['account'], message: '"2222" does not have the expected form' },
  },
  // --- cross-field rules on the catalog
  {
    name: 'fails if two models share an id',
    change: (c) => (model(c, 'titan-text-express').id = 'nova-lite'),
    expect: {
      rule: 'duplicate-id',
      file: 'catalog',
      at: ['models', { id: 'nova-lite', occurrence: 2 }, 'id'],
      message: (at) =>
        `model id "nova-lite" is used twice (also ${at(['models', { id: 'nova-lite', occurrence: 1 }])})`,
    },
  },
  {
    name: 'fails if a route names an unknown model',
    change: (c) => (routeById(c, 'translate').fallbacks = ['comand-r', 'nova-micro']),
    expect: {
      rule: 'unknown-model',
      file: 'catalog',
      at: ['routes', 'translate', 'fallbacks', 0],
      message: 'unknown model "comand-r"',
      fix: 'did you mean "command-r"?',
    },
  },
  {
    name: 'fails if a fallback chain has a cycle',
    change: (c) => (routeById(c, 'classify').fallbacks = ['nova-micro', 'claude-haiku-4-5']),
    expect: {
      rule: 'fallback-cycle',
      file: 'catalog',
      at: ['routes', 'classify', 'fallbacks', 1],
      message:
        'the chain of route "classify" visits "claude-haiku-4-5" twice: claude-haiku-4-5 -> nova-micro -> claude-haiku-4-5',
    },
  },
  {
    name: 'fails if replacements loop',
    change: (c) => {
      model(c, 'nova-lite').lifecycle = { status: 'legacy', replacement: 'titan-text-express' };
    },
    expect: {
      rule: 'fallback-cycle',
      file: 'catalog',
      at: ['models', 'nova-lite', 'lifecycle', 'replacement'],
      message: 'replacements loop: nova-lite -> titan-text-express -> nova-lite',
    },
  },
  {
    name: 'fails if a route uses a retired model, pointing at its replacement',
    change: (c) => {
      model(c, 'mistral-large').lifecycle = { status: 'retired', replacement: 'nova-lite' };
      const chat = routeById(c, 'chat');
      chat.rules = (chat.rules ?? []).filter((r) => r.target !== 'mistral-large');
    },
    expect: {
      rule: 'retired-model',
      file: 'catalog',
      at: ['routes', 'translate', 'target'],
      message: 'route "translate" uses retired model "mistral-large": its requests would fail',
      fix: 'use its replacement "nova-lite"',
    },
  },
  {
    name: "fails if a candidate does not meet the route's requirements",
    change: (c) => (routeById(c, 'code').fallbacks = ['llama-3-1-70b', 'titan-text-express']),
    expect: {
      rule: 'requirements',
      file: 'catalog',
      at: ['routes', 'code', 'fallbacks', 1],
      message:
        'model "titan-text-express" cannot serve route "code": context window 8192 < 100000 tokens; has no tool use',
    },
  },
  {
    name: 'fails if a static route has rules',
    change: (c) =>
      (routeById(c, 'classify').rules = [{ name: 'short', when: { maxInputTokens: 100 }, target: 'nova-micro' }]),
    expect: {
      rule: 'strategy-rules',
      file: 'catalog',
      at: ['routes', 'classify', 'rules'],
      message: 'static route "classify" has 1 rules, which would never apply',
    },
  },
  {
    name: 'fails if an inference profile lists a Region outside its geography',
    change: (c) => {
      const h = model(c, 'nova-micro').hosting;
      if (h.type === 'bedrock') h.inferenceProfiles = [{ geography: 'us', regions: ['us-east-1', 'eu-west-1'] }];
    },
    expect: {
      rule: 'bedrock-regions',
      file: 'catalog',
      at: ['models', 'nova-micro', 'hosting', 'inferenceProfiles', 0, 'regions', 1],
      message: 'Region eu-west-1 is not in the us geography of profile us.amazon.nova-micro-v1:0',
    },
  },
  {
    name: 'fails if an adapter has no SageMaker base model',
    change: (c) => {
      const h = model(c, 'llama-3-8b-support-lora').hosting;
      if (h.type === 'sagemaker') delete h.modelDataUrl;
    },
    expect: {
      rule: 'sagemaker-model',
      file: 'catalog',
      at: ['models', 'llama-3-8b-support-lora', 'hosting', 'adapters'],
      message:
        'adapter "support-tone" of "llama-3-8b-support-lora" has no SageMaker base model: adapters load onto the base weights given by modelDataUrl',
    },
  },
  {
    name: 'fails if an adapter is not under the base weights, where LMI loads adapters from',
    change: (c) => {
      const h = model(c, 'llama-3-8b-support-lora').hosting;
      const adapter = h.type === 'sagemaker' ? h.adapters?.find((a) => a.name === 'billing-faq') : undefined;
      if (adapter) adapter.artifactUrl = 's3://elsewhere/billing-faq/';
    },
    expect: {
      rule: 'sagemaker-model',
      file: 'catalog',
      at: ['models', 'llama-3-8b-support-lora', 'hosting', 'adapters', 1, 'artifactUrl'],
      message:
        'adapter "billing-faq" of "llama-3-8b-support-lora" is at s3://elsewhere/billing-faq/, where the LMI container will not load it',
      fix: 'copy the adapter to s3://fm-platform-model-artifacts/llama-3-1-8b-instruct/adapters/billing-faq/ and point artifactUrl there',
    },
  },
  {
    name: 'fails if a registry group made by a training pipeline is not named',
    change: (c) => {
      const h = model(c, 'llama-3-8b-support-lora').hosting;
      if (h.type === 'sagemaker') h.modelRegistry = { approvedVersion: 3, owner: 'external' };
    },
    expect: {
      rule: 'sagemaker-registry',
      file: 'catalog',
      at: ['models', 'llama-3-8b-support-lora', 'hosting', 'modelRegistry'],
      message:
        '"llama-3-8b-support-lora" uses a model package group made outside the platform (owner "external") but does not name it',
    },
  },
  {
    name: 'fails if a pinned registry version names no environment',
    change: (c) => {
      const h = model(c, 'llama-3-8b-support-lora').hosting;
      if (h.type === 'sagemaker') h.modelRegistry = { approvedVersion: 3, versions: { prd: 3 } };
    },
    expect: {
      rule: 'sagemaker-registry',
      file: 'catalog',
      at: ['models', 'llama-3-8b-support-lora', 'hosting', 'modelRegistry', 'versions', 'prd'],
      message: '"llama-3-8b-support-lora" pins a version for "prd", which is no environment',
    },
  },
  {
    name: 'fails if production follows latest-approved instead of a reviewed pin',
    change: (c) => {
      const h = model(c, 'llama-3-8b-support-lora').hosting;
      if (h.type === 'sagemaker') h.modelRegistry = { approvedVersion: 3, versions: { prod: 'latest-approved' } };
    },
    expect: {
      rule: 'sagemaker-registry',
      file: 'prod',
      at: ['tier'],
      message:
        'production environment "prod" follows latest-approved for "llama-3-8b-support-lora" (modelRegistry.versions.prod in model-catalog.json): every registry approval would deploy here unreviewed',
      fix: 'set "prod": 3 in the model\'s modelRegistry.versions and promote by bumping it in a pull request',
    },
  },
  {
    name: 'fails if a Bedrock model has no token prices',
    change: (c) => delete model(c, 'command-r').pricing.outputPerMillionTokensUsd,
    expect: {
      rule: 'pricing',
      file: 'catalog',
      at: ['models', 'command-r', 'pricing'],
      message: 'Bedrock model "command-r" has no outputPerMillionTokensUsd',
    },
  },
  {
    name: 'fails if a model can write more tokens than its context window holds',
    change: (c) => (model(c, 'titan-text-express').capabilities.maxOutputTokens = 9000),
    expect: {
      rule: 'pricing',
      file: 'catalog',
      at: ['models', 'titan-text-express', 'capabilities', 'maxOutputTokens'],
      message: 'model "titan-text-express" has maxOutputTokens 9000 above its context window of 8192',
    },
  },
  {
    name: 'fails if a deprecated model names no replacement, suggesting the best-ranked one',
    change: (c) => (model(c, 'titan-text-express').lifecycle = { status: 'deprecated' }),
    expect: {
      rule: 'lifecycle',
      file: 'catalog',
      at: ['models', 'titan-text-express', 'lifecycle'],
      message: 'deprecated model "titan-text-express" names no replacement',
      fix: 'add "replacement": "llama-3-1-70b" (ranked first in us-east-1 by npm run select for what "titan-text-express" offers), or another model that takes over its routes',
    },
  },
  {
    name: 'fails if one attempt cannot fit in the latency budget',
    change: (c) => (routeById(c, 'classify').resilience.attemptTimeoutMs = 6000),
    expect: {
      rule: 'resilience',
      file: 'catalog',
      at: ['routes', 'classify', 'resilience', 'attemptTimeoutMs'],
      message: 'route "classify": attemptTimeoutMs 6000 exceeds latencyBudgetMs 5000',
    },
  },
  // --- cross-field rules on the environments
  {
    name: "fails if an environment's name differs from its file name",
    change: (_c, e) => (e.staging.name = 'stage'),
    expect: {
      rule: 'environment-name',
      file: 'staging',
      at: ['name'],
      message: 'name "stage" differs from the file name staging.json',
    },
  },
  {
    name: 'fails if an environment enables an unknown route',
    change: (_c, e) => (e.prod.routes = [...e.prod.routes, { id: 'clasify' }]),
    expect: {
      rule: 'unknown-route',
      file: 'prod',
      at: ['routes', 'clasify', 'id'],
      message: 'unknown route "clasify"',
      fix: 'did you mean "classify"?',
    },
  },
  {
    name: 'fails if an override names an unknown model',
    change: (_c, e) => replaceSelection(e.dev, { id: 'code', target: 'claude-3-haiku', fallbacks: ['nova-lit'] }),
    expect: {
      rule: 'unknown-model',
      file: 'dev',
      at: ['routes', 'code', 'fallbacks', 0],
      message: 'unknown model "nova-lit"',
      fix: 'did you mean "nova-lite"?',
    },
  },
  {
    name: 'fails if an environment sizes the endpoint of an unknown model',
    change: (_c, e) =>
      (e.staging.sagemaker = {
        ...e.staging.sagemaker,
        endpoints: { ...e.staging.sagemaker?.endpoints, 'llama-3-8b-support-lor': { mode: 'none' } },
      }),
    expect: {
      rule: 'unknown-model',
      file: 'staging',
      at: ['sagemaker', 'endpoints', 'llama-3-8b-support-lor'],
      message: 'unknown model "llama-3-8b-support-lor"',
      fix: 'did you mean "llama-3-8b-support-lora"?',
    },
  },
  {
    name: 'fails if an environment declares a Bedrock quota for an unknown model',
    change: (_c, e) => (e.prod.quotas!.bedrock[0].model = 'claude-3-haiku-v2'),
    expect: {
      rule: 'unknown-model',
      file: 'prod',
      at: ['quotas', 'bedrock', 0, 'model'],
      message: 'unknown model "claude-3-haiku-v2"',
      fix: 'did you mean "claude-3-haiku"?',
    },
  },
  {
    name: 'fails if an override revisits a model in its chain',
    change: (_c, e) => replaceSelection(e.staging, { id: 'classify', fallbacks: ['nova-micro', 'claude-haiku-4-5'] }),
    expect: {
      rule: 'fallback-cycle',
      file: 'staging',
      at: ['routes', 'classify', 'fallbacks'],
      message:
        'the chain of route "classify" here visits "claude-haiku-4-5" twice: claude-haiku-4-5 -> nova-micro -> claude-haiku-4-5',
    },
  },
  {
    name: 'fails if an override uses a retired model, pointing at its replacement',
    change: (c, e) => {
      model(c, 'titan-text-express').lifecycle = { status: 'retired', replacement: 'nova-lite' };
      replaceSelection(e.dev, { id: 'classify', target: 'nova-micro', fallbacks: ['titan-text-express'] });
    },
    expect: {
      rule: 'retired-model',
      file: 'dev',
      at: ['routes', 'classify', 'fallbacks', 0],
      message: 'route "classify" uses retired model "titan-text-express": its requests would fail',
      fix: 'use its replacement "nova-lite"',
    },
  },
  {
    name: "fails if an override picks a model that does not meet the route's requirements",
    change: (_c, e) =>
      replaceSelection(e.dev, { id: 'translate', target: 'titan-text-express', fallbacks: ['nova-micro'] }),
    expect: {
      rule: 'requirements',
      file: 'dev',
      at: ['routes', 'translate', 'target'],
      message:
        'model "titan-text-express" cannot serve route "translate": context window 8192 < 16000 tokens; does not handle fr, de, es, it',
    },
  },
  {
    name: 'fails if useRules is set on a static route',
    change: (_c, e) => replaceSelection(e.staging, { id: 'classify', useRules: false }),
    expect: {
      rule: 'override',
      file: 'staging',
      at: ['routes', 'classify', 'useRules'],
      message: 'route "classify" is static: useRules has nothing to turn on or off',
    },
  },
  {
    name: "fails if a model is not served in the environment's Region, naming the mismatched profile geography",
    change: (_c, e) => {
      e.staging.region = 'eu-west-3';
      e.staging.failoverRegions = [];
    },
    expect: {
      rule: 'region',
      file: 'staging',
      at: ['region'],
      message:
        'model "nova-lite" (route "chat") is not served in eu-west-3: the geography of its profiles (us) does not match the Region',
    },
  },
  {
    name: "fails if an environment's override brings a model not served in its Region, pointing at the override",
    change: (c, e) => {
      model(c, 'command-r').hosting = { type: 'bedrock', modelId: 'cohere.command-r-v1:0', regions: ['us-west-2'] };
      replaceSelection(e.staging, { id: 'classify', fallbacks: ['command-r', 'nova-micro'] });
    },
    expect: {
      rule: 'region',
      file: 'staging',
      at: ['routes', 'classify', 'fallbacks', 0],
      message: 'model "command-r" (route "classify") is not served in us-east-1',
    },
  },
  {
    name: 'fails if production uses a preview model',
    change: (c) => (model(c, 'nova-micro').lifecycle = { status: 'preview' }),
    expect: {
      rule: 'preview-in-production',
      file: 'prod',
      at: ['routes', 'chat'],
      message: 'production route "chat" uses preview model "nova-micro"',
    },
  },
  {
    name: 'fails if a production route has no fallback',
    change: (_c, e) => replaceSelection(e.prod, { id: 'classify', fallbacks: [] }),
    expect: {
      rule: 'production-fallback',
      file: 'prod',
      at: ['routes', 'classify'],
      message: 'production route "classify" has no fallback: one failing model would fail every request',
    },
  },
  {
    name: 'fails if an environment uses a model past its end of life',
    change: (c) =>
      (model(c, 'nova-lite').lifecycle = {
        status: 'deprecated',
        endOfLifeOn: '2026-06-30',
        replacement: 'mistral-large',
      }),
    expect: {
      rule: 'end-of-life',
      file: 'staging',
      at: ['routes', 'chat'],
      message: 'model "nova-lite" (route "chat") reached its end of life on 2026-06-30',
    },
  },
  {
    name: 'warns if an environment uses a legacy model',
    change: (_c, e) =>
      replaceSelection(e.dev, { id: 'code', target: 'claude-3-5-sonnet-v2', fallbacks: ['nova-lite'] }),
    expect: {
      rule: 'lifecycle-use',
      file: 'dev',
      at: ['routes', 'code'],
      message: 'model "claude-3-5-sonnet-v2" (route "code") is legacy',
      severity: 'warning',
    },
  },
  {
    name: 'fails if a route uses a SageMaker model that has no endpoint in the environment',
    change: (_c, e) => replaceSelection(e.dev, { id: 'support' }),
    expect: {
      rule: 'sagemaker-capacity',
      file: 'dev',
      at: ['sagemaker', 'endpoints', 'llama-3-8b-support-lora', 'mode'],
      message: 'route "support" uses "llama-3-8b-support-lora", which has no endpoint in dev',
    },
  },
  {
    name: 'fails if a serverless endpoint would carry LoRA adapters',
    change: (_c, e) =>
      (e.staging.sagemaker = {
        ...e.staging.sagemaker,
        endpoints: {
          ...e.staging.sagemaker?.endpoints,
          'llama-3-8b-support-lora': { mode: 'serverless', memorySizeMb: 6144, maxConcurrency: 5 },
        },
      }),
    expect: {
      rule: 'sagemaker-capacity',
      file: 'staging',
      at: ['sagemaker', 'endpoints', 'llama-3-8b-support-lora', 'mode'],
      message:
        'model "llama-3-8b-support-lora" has LoRA adapters, which serverless endpoints cannot serve (CPU only, no LMI multi-adapter serving)',
    },
  },
  {
    name: 'fails if a linear endpoint roll-out of 10% steps waits longer than its execution timeout',
    change: (_c, e) =>
      (e.prod.sagemaker = {
        ...e.prod.sagemaker,
        // Ten bakes of 600 s and a 600 s termination wait: 6600 s, against 3600 s.
        rollout: {
          type: 'linear',
          stepPercent: 10,
          waitIntervalSeconds: 600,
          maximumExecutionTimeoutSeconds: 3600,
          terminationWaitSeconds: 600,
        },
      }),
    expect: {
      rule: 'rollout',
      file: 'prod',
      at: ['sagemaker', 'rollout', 'maximumExecutionTimeoutSeconds'],
      message:
        'the linear roll-out waits 6600 s (10 × 600 s bake + 600 s termination wait), but maximumExecutionTimeoutSeconds is 3600',
    },
  },
  {
    name: 'fails if an endpoint roll-out waits longer than the default execution timeout',
    change: (_c, e) =>
      (e.prod.sagemaker = {
        ...e.prod.sagemaker,
        rollout: { type: 'canary', stepPercent: 20, waitIntervalSeconds: 1800 },
      }),
    expect: {
      rule: 'rollout',
      file: 'prod',
      at: ['sagemaker', 'rollout'],
      message:
        'the canary roll-out waits 3900 s (2 × 1800 s bake + 300 s termination wait), but maximumExecutionTimeoutSeconds is 3600 (the default)',
    },
  },
  {
    name: 'fails if a linear AppConfig roll-out has no duration',
    change: (_c, e) => (e.staging.appConfig.deployment = { type: 'linear', growthFactorPercent: 20 }),
    expect: {
      rule: 'rollout',
      file: 'staging',
      at: ['appConfig', 'deployment'],
      message: 'a linear AppConfig deployment needs durationMinutes',
    },
  },
  {
    name: 'fails if application inference profiles are per consumer where the API has no consumers',
    change: (_c, e) => {
      e.dev.api.consumers = [];
      e.dev.costAllocation = { applicationProfiles: 'per-consumer' };
    },
    expect: {
      rule: 'cost-allocation',
      file: 'dev',
      at: ['costAllocation', 'applicationProfiles'],
      message:
        "application inference profiles per consumer, but api.consumers lists none, so every request would use the route's profile",
      fix: 'add the consumers, or set "per-route"',
    },
  },
  {
    name: 'fails if a failover Region is the primary Region',
    change: (_c, e) => (e.prod.failoverRegions = ['us-west-2', 'us-east-1']),
    expect: {
      rule: 'rollout',
      file: 'prod',
      at: ['failoverRegions', 1],
      message: 'failover Region us-east-1 is the primary Region',
    },
  },
  {
    name: 'fails if a SageMaker model reads weights from a bucket the environment neither owns nor is granted',
    change: (_c, e) => {
      e.prod.bootstrap!.modelArtifacts!.locations = {
        'llama-3-8b-support-lora': 's3://fm-platform-model-artifacts-222222222222/llama-3-1-8b-instruct/',
      };
    },
    expect: {
      rule: 'model-artifacts',
      file: 'prod',
      at: ['bootstrap', 'modelArtifacts', 'locations', 'llama-3-8b-support-lora'],
      message:
        'SageMaker model "llama-3-8b-support-lora" reads its weights from s3://fm-platform-model-artifacts-222222222222/llama-3-1-8b-instruct/, in "fm-platform-model-artifacts-222222222222" (the artifacts bucket of account 222222222222 (staging)): prod (account 333333333333) neither owns it nor is granted it, so its endpoint could not load the model',
      fix: 'copy the weights to s3://fm-platform-model-artifacts-333333333333/ and set bootstrap.modelArtifacts.locations["llama-3-8b-support-lora"] here, or add "prod" to bootstrap.modelArtifacts.grantRead of staging',
    },
  },
  {
    name: 'fails if a deploy role would trust both a GitHub environment and a branch',
    change: (_c, e) =>
      (e.prod.bootstrap!.github = { repository: 'example-org/fm-platform', environment: 'prod', branch: 'main' }),
    expect: {
      rule: 'account-bootstrap',
      file: 'prod',
      at: ['bootstrap', 'github'],
      message: 'the deploy role can trust a GitHub environment or a branch, not both',
    },
  },
  {
    name: 'fails if two environments of one account name different artifacts buckets',
    change: (_c, e) => {
      e.staging.account = '333333333333';
    },
    expect: {
      rule: 'account-bootstrap',
      file: 'staging',
      at: ['bootstrap', 'modelArtifacts', 'bucket'],
      message:
        'account 333333333333 would get two artifacts buckets: "fm-platform-model-artifacts-222222222222" here and "fm-platform-model-artifacts-333333333333" in prod',
    },
  },
  {
    name: 'fails if grantRead names an unknown environment',
    change: (_c, e) => (e.staging.bootstrap!.modelArtifacts!.grantRead = ['prd']),
    expect: {
      rule: 'account-bootstrap',
      file: 'staging',
      at: ['bootstrap', 'modelArtifacts', 'grantRead', 0],
      message: 'unknown environment "prd"',
      fix: 'did you mean "prod"?',
    },
  },
  {
    name: 'fails if the SageMaker DR Region is not one of the failover Regions',
    change: (_c, e) => (e.prod.sagemaker!.disasterRecovery!.region = 'eu-west-1'),
    expect: {
      rule: 'sagemaker-disaster-recovery',
      file: 'prod',
      at: ['sagemaker', 'disasterRecovery', 'region'],
      message:
        "the DR Region eu-west-1 is not one of prod's failover Regions (us-west-2, us-east-2): the router and the deploy role reach only those",
      fix: 'add "eu-west-1" to failoverRegions, or pick one of them',
    },
  },
  {
    name: 'fails if a SageMaker DR endpoint is declared for a Bedrock model',
    change: (_c, e) => (e.prod.sagemaker!.disasterRecovery!.models = ['llama-3-8b-support-lora', 'claude-3-haiku']),
    expect: {
      rule: 'sagemaker-disaster-recovery',
      file: 'prod',
      at: ['sagemaker', 'disasterRecovery', 'models', 1],
      message: 'model "claude-3-haiku" is hosted on bedrock, not SageMaker: it has no endpoint to copy',
      fix: 'remove it (Bedrock models fail over through the failover Regions)',
    },
  },
  {
    name: 'fails if a SageMaker DR endpoint reads weights from outside the replicated artifacts bucket',
    change: (_c, e) => delete e.prod.bootstrap!.modelArtifacts!.locations,
    expect: {
      rule: 'sagemaker-disaster-recovery',
      file: 'prod',
      at: ['sagemaker', 'disasterRecovery', 'models', 0],
      message:
        'the weights of "llama-3-8b-support-lora" are in fm-platform-model-artifacts, not in the account\'s artifacts bucket fm-platform-model-artifacts-333333333333, the one the bootstrap replicates into us-west-2',
      fix: 'copy the weights to s3://fm-platform-model-artifacts-333333333333/ and set bootstrap.modelArtifacts.locations["llama-3-8b-support-lora"] to that prefix',
    },
  },
  // --- Bedrock custom models (hosting/bedrock-custom/rules.ts)
  {
    name: 'fails on a Bedrock custom model whose base model is not in the catalog, suggesting the closest',
    change: (c, e) => {
      withCustomModel(c, e);
      raw(customModelIn(c).hosting).baseModel = 'nova-lte';
    },
    expect: {
      rule: 'bedrock-custom-model',
      file: 'catalog',
      at: ['models', CUSTOM_MODEL_ID, 'hosting', 'baseModel'],
      message: `base model "nova-lte" of "${CUSTOM_MODEL_ID}" is not in the catalog`,
      fix: 'did you mean "nova-lite"?',
    },
  },
  {
    name: "fails on a Bedrock custom model claiming a larger context window than its base's",
    change: (c, e) => {
      withCustomModel(c, e);
      customModelIn(c).capabilities.contextWindowTokens = 1000000;
    },
    expect: {
      rule: 'bedrock-custom-model',
      file: 'catalog',
      at: ['models', CUSTOM_MODEL_ID, 'capabilities', 'contextWindowTokens'],
      message: `custom model "${CUSTOM_MODEL_ID}" claims contextWindowTokens 1000000, above its base "nova-lite"'s 300000: a customization keeps its base's limits`,
      fix: 'set contextWindowTokens to 300000 or less',
    },
  },
  {
    name: 'fails on a Bedrock custom model with both a customization job and an outside model ARN',
    change: (c, e) => {
      withCustomModel(c, e);
      raw(customModelIn(c).hosting).customModelArn =
        'arn:aws:bedrock:us-east-1:111111111111:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl';
    },
    expect: {
      rule: 'bedrock-custom-model',
      file: 'catalog',
      at: ['models', CUSTOM_MODEL_ID, 'hosting'],
      message: `Bedrock custom model "${CUSTOM_MODEL_ID}" has both customization and customModelArn`,
      fix: 'keep "customization" to have Terraform train it, or "customModelArn" to serve the one made outside, not both',
    },
  },
  {
    name: 'fails on a Bedrock custom model priced per token instead of per model-unit hour',
    change: (c, e) => {
      withCustomModel(c, e);
      customModelIn(c).pricing = {
        inputPerMillionTokensUsd: 0.06,
        outputPerMillionTokensUsd: 0.24,
        source: 'x',
        asOf: '2026-11-01',
      };
    },
    expect: {
      rule: 'pricing',
      file: 'catalog',
      at: ['models', CUSTOM_MODEL_ID, 'pricing'],
      message: `Bedrock custom model "${CUSTOM_MODEL_ID}" has no modelUnitHourUsd`,
      fix: 'add "modelUnitHourUsd": the no-commitment Provisioned Throughput price per model unit and hour of its base model "nova-lite" (Amazon Bedrock pricing page)',
    },
  },
  {
    name: 'fails on a customization type Bedrock does not have',
    change: (c, e) => {
      withCustomModel(c, e);
      raw(raw(customModelIn(c).hosting).customization as object).customizationType = 'FINE_TUNE';
    },
    expect: {
      rule: 'schema',
      file: 'catalog',
      at: ['models', CUSTOM_MODEL_ID, 'hosting', 'customization', 'customizationType'],
      message: '"FINE_TUNE" is not allowed here',
      fix: 'did you mean "FINE_TUNING"?',
    },
  },
  {
    name: 'warns of a custom model in use whose base model is legacy',
    change: (c, e) => {
      withCustomModel(c, e);
      raw(customModelIn(c).hosting).baseModel = 'titan-text-express';
    },
    expect: {
      rule: 'bedrock-custom-serving',
      file: 'dev',
      at: ['routes', 'support'],
      message: `custom model "${CUSTOM_MODEL_ID}" (route "support") is a customization of legacy "titan-text-express"`,
      fix: 'plan a customization of "nova-lite" before then',
      severity: 'warning',
    },
  },
  {
    name: 'fails on a custom model in use whose base model is past its end of life',
    change: (c, e) => {
      withCustomModel(c, e);
      raw(customModelIn(c).hosting).baseModel = 'titan-text-express';
      model(c, 'titan-text-express').lifecycle.endOfLifeOn = '2026-10-01';
    },
    expect: {
      rule: 'bedrock-custom-serving',
      file: 'dev',
      at: ['routes', 'support'],
      message: `custom model "${CUSTOM_MODEL_ID}" (route "support") is a customization of "titan-text-express", which reached its end of life on 2026-10-01: Bedrock stops serving custom models of a base at its end of life`,
      fix: 'customize "nova-lite" instead (a new model with it as baseModel) and move the route there',
    },
  },
  {
    name: "fails on a customization job reading another account's artifacts bucket that does not grant the environment",
    change: (c, e) => {
      withCustomModel(c, e);
      const h = customModelIn(c).hosting;
      if (h.type === 'bedrock-custom' && h.customization)
        h.customization.trainingDataS3Uri = 's3://fm-platform-model-artifacts-333333333333/support/train.jsonl';
    },
    expect: {
      rule: 'bedrock-custom-serving',
      file: 'dev',
      at: ['routes', 'support'],
      message: `the customization job of "${CUSTOM_MODEL_ID}" reads s3://fm-platform-model-artifacts-333333333333/support/train.jsonl, in the artifacts bucket of account 333333333333 (prod), which does not grant dev (account 111111111111): the job could not read its data`,
      fix: 'add "dev" to bootstrap.modelArtifacts.grantRead of prod, or copy the data to s3://fm-platform-model-artifacts-111111111111/',
    },
  },
  {
    name: "fails on an outside custom model of another account than the environment's",
    change: (c, e) => {
      withCustomModel(c, e);
      const h = raw(customModelIn(c).hosting);
      delete h.customization;
      h.customModelArn = 'arn:aws:bedrock:us-east-1:333333333333:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl';
    },
    expect: {
      rule: 'bedrock-custom-serving',
      file: 'dev',
      at: ['routes', 'support'],
      message: `custom model "${CUSTOM_MODEL_ID}" is arn:aws:bedrock:us-east-1:333333333333:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl, in 333333333333 us-east-1, but dev runs in 111111111111 us-east-1: Provisioned Throughput serves only a custom model of its own account and Region`,
      fix: `give this environment its own copy in bedrockCustom.models["${CUSTOM_MODEL_ID}"].customModelArn (copy the model into the account, or run the pipeline there)`,
    },
  },
  {
    name: 'fails if a consumer limits a route the environment does not serve',
    change: (_c, e) => e.dev.api.consumers![0].limits!.push({ limit: 'tokensPerMinute', hard: 1000, route: 'chatt' }),
    expect: {
      rule: 'consumer-limits',
      file: 'dev',
      at: ['api', 'consumers', 0, 'limits', 3, 'route'],
      message: 'consumer "sandbox" limits route "chatt", which dev does not serve',
      fix: 'did you mean "chat"?',
    },
  },
  {
    name: 'fails if a consumer limits a model no route of the environment can call',
    change: (_c, e) =>
      e.dev.api.consumers![0].limits!.push({ limit: 'requestsPerMinute', hard: 10, model: 'claude-sonnet-4' }),
    expect: {
      rule: 'consumer-limits',
      file: 'dev',
      at: ['api', 'consumers', 0, 'limits', 3, 'model'],
      message: 'consumer "sandbox" limits model "claude-sonnet-4", which no route of dev can call',
    },
  },
  {
    name: 'fails if a soft threshold is not below its hard limit',
    change: (_c, e) => (e.dev.api.consumers![0].limits![0].soft = 120),
    expect: {
      rule: 'consumer-limits',
      file: 'dev',
      at: ['api', 'consumers', 0, 'limits', 0, 'soft'],
      message: 'soft threshold 120 is not below the hard limit 100',
      fix: 'set "soft" below 100 (for example 80), or remove it',
    },
  },
];
const TODAY = '2026-11-29';

/** The fixture's project, checked as the commands check it (with selection's replacement suggester). */
function checkFixture(change: Mutation) {
  const { catalogPath, environmentsDir } = tempProject(change);
  return {
    catalogPath,
    environmentsDir,
    result: checkProject({ catalogPath, environmentsDir, today: TODAY, suggestReplacement: replacementSuggester }),
  };
}

describe('catalog and environment rules', () => {
  it.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const { catalogPath, environmentsDir, result } = checkFixture(fixture.change);
    const path = fixture.expect.file === 'catalog' ? catalogPath : join(environmentsDir, `${fixture.expect.file}.json`);
    const written: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const at: At = (segments) => pointerById(written, segments);
    const pointer = at(fixture.expect.at);
    const message = typeof fixture.expect.message === 'string' ? fixture.expect.message : fixture.expect.message(at);
    const file = fixture.expect.file === 'catalog' ? 'model-catalog.json' : `${fixture.expect.file}.json`;
    const match = result.issues.find(
      (i: CatalogIssue) =>
        i.file.endsWith(file) && i.rule === fixture.expect.rule && i.pointer === pointer && i.message === message,
    );
    // On failure, show every issue found so the difference is plain.
    expect(match ? 'found' : result.issues.map((i) => `${i.file} ${i.rule} ${i.pointer} ${i.message}`)).toBe('found');
    expect(match?.severity).toBe(fixture.expect.severity ?? 'error');
    expect(match?.line).toBeGreaterThan(0);
    if (fixture.expect.fix) expect(match?.fix).toBe(fixture.expect.fix);
    if (match?.severity === 'error') expect(result.project).toBeUndefined();
  });

  it('covers every rule, in every file it judges, with at least one failing fixture of its own id', () => {
    const covered = new Set(
      FIXTURES.map((f) => `${f.expect.rule} ${f.expect.file === 'catalog' ? 'catalog' : 'environment'}`),
    );
    const scopes = RULES.flatMap((r) => [
      ...(r.catalog ? [`${r.id} catalog`] : []),
      ...(r.environment ? [`${r.id} environment`] : []),
    ]);
    expect(scopes.filter((s) => !covered.has(s))).toEqual([]);
    // And no fixture expects an id no rule reports (schema issues come from JSON Schema, not a rule).
    const reported = new Set(scopes);
    expect([...covered].filter((s) => !s.startsWith('schema ') && !reported.has(s))).toEqual([]);
  });

  it('lists each rule once', () => {
    const ids = RULES.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('falls back to the plain fix when the validator is given no replacement suggester', () => {
    const { catalogPath, environmentsDir } = tempProject(
      (c) => (model(c, 'titan-text-express').lifecycle = { status: 'deprecated' }),
    );
    const result = checkProject({ catalogPath, environmentsDir, today: TODAY });
    expect(result.issues.find((i) => i.rule === 'lifecycle')?.fix).toBe(
      'add "replacement" with the id of the model that takes over its routes',
    );
  });
});

describe('the region rule', () => {
  it('says what is expected of a Bedrock model that lists no Region and no profile', () => {
    const { result } = checkFixture((c) => {
      model(c, 'mistral-large').hosting = { type: 'bedrock', modelId: 'mistral.mistral-large-2402-v1:0', regions: [] };
    });
    const issue = result.issues.find((i) => i.rule === 'region' && i.message.startsWith('model "mistral-large"'));
    expect(issue?.expected).toBe('a model served in us-east-1 (this one lists no Region and no inference profile)');
  });
});
