import { loadProject } from '../../catalog';
import { rankModels, suggestReplacement } from '../../selection/rank';
import { shippedCatalog } from '../support/project';

const prod = loadProject({ only: ['prod'] }).plans[0];
const translate = prod.routes.find((r) => r.id === 'translate')!;

function rankTranslate(weights?: { quality: number; latency: number; cost: number }) {
  return rankModels(shippedCatalog(), translate.requirements, {
    region: prod.region,
    tier: prod.tier,
    traffic: prod.costAssumptions.translate,
    weights,
  });
}

describe('rankModels', () => {
  it('proposes for translate in prod exactly the models that handle en/fr/de/es/it with a 16k context, served in us-east-1', () => {
    const ranking = rankTranslate();
    expect(ranking.ranked.map((m) => m.id).sort()).toEqual([
      'claude-haiku-4-5',
      'claude-sonnet-4',
      'llama-3-1-70b',
      'mistral-large',
      'nova-lite',
      'nova-micro',
    ]);
    expect(ranking.region).toBe('us-east-1');
    expect(ranking.trafficSource).toBe('environment');
    expect(ranking.traffic).toEqual({ requestsPerDay: 15000, inputTokensPerRequest: 600, outputTokensPerRequest: 600 });
  });

  it('lists each excluded model with the requirements it fails', () => {
    const excluded = Object.fromEntries(rankTranslate().excluded.map((e) => [e.id, e.failed]));
    expect(excluded).toEqual({
      'claude-3-5-sonnet-v2': ['legacy, replaced by "claude-sonnet-4" (allowDeprecated proposes it anyway)'],
      'claude-3-haiku': [
        'retired, replaced by "claude-haiku-4-5": its requests fail',
        'not served in us-east-1 (neither on demand nor through an inference profile)',
      ],
      'command-r': ['retired, replaced by "nova-lite": its requests fail'],
      'titan-text-express': [
        'context window 8192 < 16000 tokens',
        'does not handle fr, de, es, it',
        'legacy, replaced by "nova-lite" (allowDeprecated proposes it anyway)',
      ],
      'llama-3-8b-support-lora': ['context window 8192 < 16000 tokens', 'does not handle fr, de, es, it'],
    });
  });

  it('ranks by the stated score: with the default weights the cheap, fast nova-micro leads', () => {
    const ranking = rankTranslate();
    expect(ranking.weights).toEqual({ quality: 0.5, latency: 0.2, cost: 0.3 });
    const first = ranking.ranked[0];
    expect(first.id).toBe('nova-micro');
    // unmeasured prior 0.5, fastest (600 ms prior), cheapest ($0.105 per 1k requests of 600 + 600 tokens)
    expect(first.costPer1kRequestsUsd).toBeCloseTo((600 * 0.035 + 600 * 0.14) / 1000, 10);
    expect(first.score).toBeCloseTo(0.5 * 0.5 + 0.2 * 1 + 0.3 * 1, 10);
    expect(first.quality.measured).toBe(false);
    expect(first.reasons[0]).toMatch(
      /^quality 0\.50, unmeasured: prior from strengths general, classification, low-latency, low-cost/,
    );
    expect(first.reasons[2]).toBe(
      'cost $0.11 per 1k requests (600 in × $0.035/M + 600 out × $0.14/M); cheapest $0.11: 0.30 × 1.00 = 0.300',
    );
    const scores = ranking.ranked.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('puts the highest-quality candidate first when quality is all that counts', () => {
    const ranking = rankTranslate({ quality: 1, latency: 0, cost: 0 });
    expect(ranking.ranked[0].id).toBe('claude-sonnet-4');
  });

  it('uses a measured quality and latency over the priors, and says so', () => {
    const catalog = shippedCatalog();
    const llama = catalog.models.find((m) => m.id === 'llama-3-1-70b')!;
    llama.performance = {
      quality: 1,
      latencyP50Ms: 100,
      source: 'eval: multilingual.jsonl on local',
      measuredAt: '2026-11-29',
    };
    const ranking = rankModels(catalog, translate.requirements, {
      region: 'us-east-1',
      traffic: prod.costAssumptions.translate,
    });
    const m = ranking.ranked.find((r) => r.id === 'llama-3-1-70b')!;
    expect(ranking.ranked[0].id).toBe('llama-3-1-70b');
    expect(m.quality).toEqual({
      value: 1,
      measured: true,
      basis: 'measured (eval: multilingual.jsonl on local, 2026-11-29)',
    });
    expect(m.scores.latency).toBe(1);
  });

  it('excludes models not served in the Region, streaming-less and wrongly hosted ones when asked', () => {
    const ranking = rankModels(
      shippedCatalog(),
      { inputModalities: ['text'], streaming: true, hosting: 'bedrock' },
      { region: 'eu-west-3' },
    );
    const excluded = Object.fromEntries(ranking.excluded.map((e) => [e.id, e.failed]));
    expect(excluded['nova-micro']).toEqual([
      'not served in eu-west-3 (neither on demand nor through an inference profile)',
    ]);
    expect(excluded['llama-3-8b-support-lora']).toEqual(['does not stream', 'hosted on sagemaker, not bedrock']);
    expect(ranking.ranked.map((m) => m.id).sort()).toEqual(['claude-sonnet-4', 'mistral-large']);
    expect(ranking.trafficSource).toBe('default');
  });

  it('proposes legacy models only when allowDeprecated is set, and never a retired one', () => {
    const catalog = shippedCatalog();
    catalog.models.find((m) => m.id === 'command-r')!.lifecycle = { status: 'retired', replacement: 'nova-lite' };
    const ranking = rankModels(catalog, { ...translate.requirements, allowDeprecated: true }, { region: 'us-east-1' });
    expect(ranking.ranked.map((m) => m.id)).toContain('claude-3-5-sonnet-v2');
    expect(ranking.excluded.find((e) => e.id === 'command-r')!.failed).toEqual([
      'retired, replaced by "nova-lite": its requests fail',
    ]);
  });

  it("prices an instance-hour model over the day's requests", () => {
    const ranking = rankModels(
      shippedCatalog(),
      { languages: ['en'], hosting: 'sagemaker' },
      {
        region: 'us-east-1',
        traffic: { requestsPerDay: 40000, inputTokensPerRequest: 1200, outputTokensPerRequest: 300 },
      },
    );
    expect(ranking.ranked.map((m) => m.id)).toEqual(['llama-3-8b-support-lora']);
    expect(ranking.ranked[0].costPer1kRequestsUsd).toBeCloseTo((1.515 * 24 * 1000) / 40000, 10);
  });
});

describe('suggestReplacement', () => {
  it('suggests a model that offers everything the legacy claude-3-5-sonnet-v2 did, in us-east-1', () => {
    const s = suggestReplacement(shippedCatalog(), 'claude-3-5-sonnet-v2', 'us-east-1');
    // Only claude-sonnet-4 and nova-lite read text, image and document with a 200k+ window and its 12
    // languages; replacement weights put quality first, so sonnet's stronger prior (reasoning, coding,
    // vision, as the legacy model offered) outranks the far cheaper nova-lite: the catalog's own choice.
    expect(s?.id).toBe('claude-sonnet-4');
    expect(s?.reasons).toHaveLength(3);
  });

  it('suggests for the English-only titan-text-express a non-legacy model, never itself', () => {
    const s = suggestReplacement(shippedCatalog(), 'titan-text-express', 'us-east-1');
    expect(s).toBeDefined();
    expect(s!.id).not.toBe('titan-text-express');
    expect(s!.id).not.toBe('claude-3-5-sonnet-v2');
  });

  it('suggests nothing for an unknown model or where no model qualifies', () => {
    expect(suggestReplacement(shippedCatalog(), 'no-such-model', 'us-east-1')).toBeUndefined();
    expect(suggestReplacement(shippedCatalog(), 'claude-3-5-sonnet-v2', 'sa-east-1')).toBeUndefined();
  });
});
