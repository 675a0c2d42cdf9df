import { join } from 'node:path';
import { catalogContext, environmentContext } from '../../catalog/context';
import { parseJsonText, readJsonFile, type JsonDocument } from '../../catalog/json-file';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../../catalog/paths';
import type { EnvironmentPlan } from '../../catalog/plan';
import { AUDIT_DEFAULTS, resolveEnvironment } from '../../catalog/resolve';
import { routingTableErrors } from '../../contracts/routing-table';
import { modelById, replaceSelection } from '../support/by-id';
import { shippedCatalog, shippedEnvironments } from '../support/project';

function read(path: string): JsonDocument {
  const result = readJsonFile(path, path);
  if (!result.ok) throw new Error(`cannot read ${path}`);
  return result.doc;
}

function parsed(value: unknown, name: string): JsonDocument {
  const result = parseJsonText(JSON.stringify(value), name);
  if (!result.ok) throw new Error(`cannot parse ${name}`);
  return result.doc;
}

const shipped = catalogContext(read(defaultCatalogPath));

/** The shipped environment, resolved on its own (the shipped files pass every rule). */
function plan(name: string): EnvironmentPlan {
  return resolveEnvironment(
    environmentContext(shipped, read(join(defaultEnvironmentsDir, `${name}.json`)), name, '2026-11-29'),
  );
}

describe('resolveEnvironment', () => {
  it("writes each consumer's limits into the routing table, with stable ledger ids, and no entry for an unlimited consumer", () => {
    const table = plan('prod').routingTable;
    expect(Object.keys(table.consumers ?? {})).toEqual(['support-desk', 'batch-analytics']);
    expect(table.consumers?.['batch-analytics'].limits).toEqual([
      { id: 'monthlyBudgetUsd', limit: 'monthlyBudgetUsd', hard: 3500, soft: 2500 },
      {
        id: 'requestsPerMinute:model:claude-sonnet-4',
        limit: 'requestsPerMinute',
        hard: 600,
        model: 'claude-sonnet-4',
      },
    ]);
    expect(table.consumers?.['support-desk'].limits[1].id).toBe('tokensPerMinute:route:support');
  });

  it('returns deeply frozen plans', () => {
    const prod = plan('prod');
    expect(Object.isFrozen(prod)).toBe(true);
    expect(Object.isFrozen(prod.routes[0].fallbacks)).toBe(true);
    expect(Object.isFrozen(prod.routingTable.models['nova-lite'].targets)).toBe(true);
  });

  it('produces routing tables that pass their draft-04 schema', () => {
    for (const name of ['dev', 'staging', 'prod']) expect(routingTableErrors(plan(name).routingTable)).toEqual([]);
  });

  it('calls a profile-only model through its inference profile in the primary and each failover Region', () => {
    const prod = plan('prod');
    const sonnet = prod.models.find((m) => m.id === 'claude-sonnet-4')!;
    expect(sonnet.hosting.type).toBe('bedrock');
    if (sonnet.hosting.type !== 'bedrock') return;
    expect(sonnet.hosting.invocations.map((i) => [i.region, i.invokeId])).toEqual([
      ['us-east-1', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
      ['us-west-2', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
      ['us-east-2', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
    ]);
    expect(sonnet.hosting.invocations[0].profile?.arn).toBe(
      'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
    expect(sonnet.hosting.invocations[0].foundationModelArns).toEqual([
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
  });

  it('calls an in-Region model by its model id where no profile covers the Region', () => {
    const staging = plan('staging');
    const mistral = staging.models.find((m) => m.id === 'mistral-large')!;
    if (mistral.hosting.type !== 'bedrock') throw new Error('mistral-large should be on Bedrock');
    expect(mistral.hosting.invocations).toEqual([
      {
        region: 'us-east-1',
        invokeId: 'mistral.mistral-large-2402-v1:0',
        foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0'],
      },
      {
        region: 'us-west-2',
        invokeId: 'mistral.mistral-large-2402-v1:0',
        foundationModelArns: ['arn:aws:bedrock:us-west-2::foundation-model/mistral.mistral-large-2402-v1:0'],
      },
    ]);
  });

  it('applies environment overrides: dev serves chat statically from a cheaper model and has no SageMaker endpoint', () => {
    const dev = plan('dev');
    const chat = dev.routes.find((r) => r.id === 'chat')!;
    expect(chat).toMatchObject({ strategy: 'static', target: 'nova-lite', rules: [], fallbacks: ['nova-micro'] });
    expect(dev.models.some((m) => m.hosting.type === 'sagemaker')).toBe(false);
    expect(dev.routingTable.logPromptText).toBe(true);
  });

  it('sizes the fine-tuned model per environment and lists its adapters for the router', () => {
    const prod = plan('prod');
    const lora = prod.models.find((m) => m.id === 'llama-3-8b-support-lora')!;
    expect(lora.hosting).toMatchObject({
      type: 'sagemaker',
      endpointName: 'fm-prod-llama-3-8b-support-lora',
      capacity: { mode: 'instances', instanceType: 'ml.g5.2xlarge', instanceCount: 2 },
      rollout: { type: 'canary', stepPercent: 50 },
      modelRegistry: {
        packageGroup: 'fm-llama-3-8b-support-lora',
        owned: true,
        version: 3,
        initialVersion: 3,
        initialPackageArn: 'arn:aws:sagemaker:us-east-1:333333333333:model-package/fm-llama-3-8b-support-lora/3',
      },
    });
    expect(prod.routingTable.models['llama-3-8b-support-lora']).toMatchObject({
      hosting: 'sagemaker',
      // The primary endpoint, then the DR endpoint in prod's failover Region us-west-2.
      targets: [
        { region: 'us-east-1', id: 'fm-prod-llama-3-8b-support-lora' },
        { region: 'us-west-2', id: 'fm-prod-llama-3-8b-support-lora-dr' },
      ],
      adapters: [{ name: 'support-tone' }, { name: 'billing-faq' }],
    });
  });

  it('grants exactly the models the enabled routes may call', () => {
    const prod = plan('prod');
    const used = new Set(prod.routes.flatMap((r) => r.candidates));
    expect(new Set(prod.models.map((m) => m.id))).toEqual(used);
    expect(used.has('titan-text-express')).toBe(false);
    expect(used.has('claude-3-5-sonnet-v2')).toBe(false);
  });

  it("lists a route's candidates once each, in the order the router tries them: target, rule targets, fallbacks", () => {
    expect(plan('prod').routes.find((r) => r.id === 'chat')?.candidates).toEqual([
      'claude-haiku-4-5',
      'claude-sonnet-4',
      'nova-lite',
      'mistral-large',
      'nova-micro',
    ]);
    expect(plan('prod').models.find((m) => m.id === 'claude-sonnet-4')?.routes).toEqual(['chat', 'code']);
  });

  it("writes each model's routing-table entry through its hosting kind, in the table's key order", () => {
    const table = plan('prod').routingTable;
    expect(Object.keys(table.models['llama-3-8b-support-lora']).slice(0, 4)).toEqual([
      'provider',
      'hosting',
      'targets',
      'adapters',
    ]);
    expect(Object.keys(table.models['nova-micro']).slice(0, 4)).toEqual([
      'provider',
      'hosting',
      'targets',
      'contextWindowTokens',
    ]);
    expect(table.models['nova-micro'].pricing).toEqual({
      inputPerMillionTokensUsd: 0.035,
      outputPerMillionTokensUsd: 0.14,
    });
    expect(table.models['llama-3-8b-support-lora'].pricing).toEqual({
      inputPerMillionTokensUsd: 0,
      outputPerMillionTokensUsd: 0,
    });
  });

  it('resolves a catalog and an environment edited in memory, with the overrides applied', () => {
    const catalog = shippedCatalog();
    modelById(catalog, 'nova-micro').lifecycle = { status: 'legacy', replacement: 'nova-lite' };
    const env = shippedEnvironments().staging;
    replaceSelection(env, { id: 'classify', target: 'nova-lite', fallbacks: ['nova-micro'], latencyBudgetMs: 4000 });
    const resolved = resolveEnvironment(
      environmentContext(
        catalogContext(parsed(catalog, 'model-catalog.json')),
        parsed(env, 'staging.json'),
        'staging',
        '2026-11-29',
      ),
    );
    expect(resolved.routes.find((r) => r.id === 'classify')).toMatchObject({
      target: 'nova-lite',
      fallbacks: ['nova-micro'],
      candidates: ['nova-lite', 'nova-micro'],
      resilience: { latencyBudgetMs: 4000 },
    });
    expect(resolved.routingTable.models['nova-micro']).toMatchObject({ status: 'legacy', replacement: 'nova-lite' });
  });

  it("resolves the audit's settings once, every default applied, so the audit applies none of its own", () => {
    const env = shippedEnvironments().staging;
    delete env.quotas;
    const resolve = (e: typeof env) =>
      resolveEnvironment(environmentContext(shipped, parsed(e, 'staging.json'), 'staging', '2026-11-29')).audit;
    expect(resolve(env)).toEqual({
      costIncreaseThresholdPercent: 25,
      lifecycleWindowDays: 90,
      disabledGates: [],
      dataResidency: env.dataResidency,
    });
    expect(AUDIT_DEFAULTS).toMatchObject({ costIncreaseThresholdPercent: 25, lifecycleWindowDays: 90 });
    const prod = plan('prod').audit;
    expect(prod.quotas).toMatchObject({ peakFactor: 3, warnAtPercent: 80 });
    expect(prod.quotas?.bedrock.map((q) => [q.model, q.invocation, q.outputTokenBurndown])).toEqual([
      ['claude-haiku-4-5', 'cross-region', 5],
      ['claude-sonnet-4', 'cross-region', 5],
      ['mistral-large', 'on-demand', 1],
    ]);
    const set = resolve({
      ...env,
      audit: { costIncreaseThresholdPercent: 10, lifecycleWindowDays: 30, disabledGates: ['fallback-degradation'] },
    });
    expect(set).toMatchObject({
      costIncreaseThresholdPercent: 10,
      lifecycleWindowDays: 30,
      disabledGates: ['fallback-degradation'],
    });
  });
});
