import { regionInGeography } from '../regions';
import type { CatalogIssue } from '../issues';
import { firstRepeat, type Rule } from './rule';

const LIFECYCLE_NEEDS_REPLACEMENT = new Set(['legacy', 'deprecated', 'retired']);

/** The rules on the catalog file alone: its ids, routes, prices and lifecycles. */
export const CATALOG_RULES: readonly Rule[] = [
  {
    id: 'duplicate-id',
    summary: 'model and route ids are unique',
    catalog: (ctx, issue) => [
      ...ctx.catalog.models.flatMap((m, i) => {
        const first = ctx.models.get(m.id)?.index;
        return first !== undefined && first !== i ? [issue(['models', i, 'id'], `model id "${m.id}" is used twice (also /models/${first})`, { fix: 'give each model its own id' })] : [];
      }),
      ...ctx.catalog.routes.flatMap((r, i) => {
        const first = ctx.routes.get(r.id)?.index;
        return first !== undefined && first !== i ? [issue(['routes', i, 'id'], `route id "${r.id}" is used twice (also /routes/${first})`, { fix: 'give each route its own id' })] : [];
      }),
    ],
  },
  {
    id: 'strategy-rules',
    summary: 'content-based routes have rules and static routes have none; token bounds are ordered',
    catalog: (ctx, issue) =>
      ctx.catalog.routes.flatMap((route, i) => {
        const rules = route.rules ?? [];
        const out: CatalogIssue[] = [];
        if (route.strategy === 'static' && rules.length > 0) {
          out.push(issue(['routes', i, 'rules'], `static route "${route.id}" has ${rules.length} rules, which would never apply`, { fix: 'set "strategy": "content-based" or remove the rules' }));
        }
        if (route.strategy === 'content-based' && rules.length === 0) {
          out.push(issue(['routes', i, 'strategy'], `content-based route "${route.id}" has no rules`, { fix: 'add rules or set "strategy": "static"' }));
        }
        rules.forEach((r, j) => {
          if (r.when.minInputTokens !== undefined && r.when.maxInputTokens !== undefined && r.when.minInputTokens > r.when.maxInputTokens) {
            out.push(issue(['routes', i, 'rules', j, 'when'], `rule "${r.name}" can never match: minInputTokens ${r.when.minInputTokens} > maxInputTokens ${r.when.maxInputTokens}`, { fix: 'swap or correct the bounds' }));
          }
        });
        const names = rules.map((r) => r.name);
        const dup = firstRepeat(names);
        if (dup) out.push(issue(['routes', i, 'rules', dup.index, 'name'], `rule name "${dup.id}" is used twice in route "${route.id}"`, { fix: 'give each rule its own name' }));
        return out;
      }),
  },
  {
    id: 'bedrock-regions',
    summary: "a Bedrock model is invocable somewhere, and each inference profile's Regions lie in its geography",
    catalog: (ctx, issue) =>
      ctx.catalog.models.flatMap((m, i) => {
        if (m.hosting.type !== 'bedrock') return [];
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const profiles = h.inferenceProfiles ?? [];
        if ((h.regions ?? []).length === 0 && profiles.length === 0) {
          out.push(issue(['models', i, 'hosting'], `model "${m.id}" lists no Region and no inference profile, so no environment can call it`, { fix: 'add the Regions where it is served on demand, or its inference profiles' }));
        }
        profiles.forEach((p, j) => {
          if (profiles.findIndex((q) => q.geography === p.geography) !== j) {
            out.push(issue(['models', i, 'hosting', 'inferenceProfiles', j, 'geography'], `model "${m.id}" lists the ${p.geography} profile twice`, { fix: 'merge the two entries' }));
          }
          p.regions.forEach((r, k) => {
            if (!regionInGeography(r, p.geography)) {
              out.push(issue(['models', i, 'hosting', 'inferenceProfiles', j, 'regions', k], `Region ${r} is not in the ${p.geography} geography of profile ${p.geography}.${h.modelId}`, { expected: `a Region of the ${p.geography} geography`, fix: 'list the profile\'s Regions as GetInferenceProfile returns them' }));
            }
          });
        });
        return out;
      }),
  },
  {
    id: 'sagemaker-model',
    summary: 'a SageMaker model has base weights (modelDataUrl or a registry version); adapters need base weights, unique names, and live under <modelDataUrl>adapters/<name>/',
    catalog: (ctx, issue) =>
      ctx.catalog.models.flatMap((m, i) => {
        if (m.hosting.type !== 'sagemaker') return [];
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const adapters = h.adapters ?? [];
        if (h.modelDataUrl === undefined && h.modelRegistry === undefined) {
          out.push(issue(['models', i, 'hosting'], `SageMaker model "${m.id}" has neither modelDataUrl nor modelRegistry: the endpoint would have no weights`, { fix: 'add "modelDataUrl" (S3 URI of the weights) or "modelRegistry"' }));
        }
        if (adapters.length > 0 && h.modelDataUrl === undefined) {
          out.push(issue(['models', i, 'hosting', 'adapters'], `adapter "${adapters[0].name}" of "${m.id}" has no SageMaker base model: adapters load onto the base weights given by modelDataUrl`, { fix: 'add "modelDataUrl" with the S3 URI of the base model weights' }));
        }
        const dup = firstRepeat(adapters.map((a) => a.name));
        if (dup) out.push(issue(['models', i, 'hosting', 'adapters', dup.index, 'name'], `adapter name "${dup.id}" is used twice in "${m.id}"`, { fix: 'give each adapter its own name' }));
        if (h.modelDataUrl !== undefined) {
          const base = h.modelDataUrl.endsWith('/') ? h.modelDataUrl : `${h.modelDataUrl}/`;
          adapters.forEach((a, j) => {
            const expected = `${base}adapters/${a.name}/`;
            if (a.artifactUrl.replace(/\/?$/, '/') !== expected) {
              out.push(issue(['models', i, 'hosting', 'adapters', j, 'artifactUrl'], `adapter "${a.name}" of "${m.id}" is at ${a.artifactUrl}, where the LMI container will not load it`, { expected, fix: `copy the adapter to ${expected} and point artifactUrl there` }));
            }
          });
        }
        return out;
      }),
  },
  {
    id: 'pricing',
    summary: 'prices fit the hosting (token prices for Bedrock, instance-hours for SageMaker) and token limits make sense',
    catalog: (ctx, issue) =>
      ctx.catalog.models.flatMap((m, i) => {
        const p = m.pricing;
        const out: CatalogIssue[] = [];
        if (m.hosting.type === 'bedrock') {
          for (const key of ['inputPerMillionTokensUsd', 'outputPerMillionTokensUsd'] as const) {
            if (p[key] === undefined) out.push(issue(['models', i, 'pricing'], `Bedrock model "${m.id}" has no ${key}`, { fix: `add "${key}" from the Bedrock pricing page` }));
          }
          if (p.instanceHourUsd !== undefined) out.push(issue(['models', i, 'pricing', 'instanceHourUsd'], `Bedrock model "${m.id}" is billed per token, not per instance-hour`, { fix: 'remove "instanceHourUsd"' }));
        } else if (p.instanceHourUsd === undefined) {
          out.push(issue(['models', i, 'pricing'], `SageMaker model "${m.id}" has no instanceHourUsd, so its cost cannot be estimated`, { fix: 'add "instanceHourUsd" for its default instance type' }));
        }
        if (p.inputPerMillionTokensUsd === 0 && p.outputPerMillionTokensUsd === 0) {
          out.push(issue(['models', i, 'pricing'], `model "${m.id}" is priced at 0 for input and output tokens`, { fix: 'enter the published prices' }));
        }
        if (m.capabilities.maxOutputTokens > m.capabilities.contextWindowTokens) {
          out.push(issue(['models', i, 'capabilities', 'maxOutputTokens'], `model "${m.id}" has maxOutputTokens ${m.capabilities.maxOutputTokens} above its context window of ${m.capabilities.contextWindowTokens}`, { fix: 'check both figures on the model card' }));
        }
        return out;
      }),
  },
  {
    id: 'lifecycle',
    summary: 'legacy, deprecated and retired models name an existing, non-retired replacement; dates are in order',
    catalog: (ctx, issue) =>
      ctx.catalog.models.flatMap((m, i) => {
        const l = m.lifecycle;
        const out: CatalogIssue[] = [];
        if (LIFECYCLE_NEEDS_REPLACEMENT.has(l.status) && l.replacement === undefined) {
          const region = m.hosting.type === 'bedrock' ? (m.hosting.regions?.[0] ?? m.hosting.inferenceProfiles?.[0]?.regions[0]) : undefined;
          const suggested = region === undefined ? undefined : ctx.suggestReplacement?.(ctx.catalog, m.id, region);
          out.push(
            issue(['models', i, 'lifecycle'], `${l.status} model "${m.id}" names no replacement`, {
              fix: suggested
                ? `add "replacement": "${suggested.id}" (${suggested.basis}), or another model that takes over its routes`
                : 'add "replacement" with the id of the model that takes over its routes',
            }),
          );
        }
        if (l.replacement === m.id) {
          out.push(issue(['models', i, 'lifecycle', 'replacement'], `model "${m.id}" names itself as its replacement`, { fix: 'name another model' }));
        } else if (l.replacement !== undefined && ctx.models.get(l.replacement)?.model.lifecycle.status === 'retired') {
          out.push(issue(['models', i, 'lifecycle', 'replacement'], `the replacement of "${m.id}", "${l.replacement}", is itself retired`, { fix: `name the replacement's own replacement or another active model` }));
        }
        const dates = (['releasedOn', 'legacyOn', 'endOfLifeOn'] as const).flatMap((key) => {
          const date = l[key];
          return date === undefined ? [] : [{ key, date }];
        });
        for (let k = 1; k < dates.length; k++) {
          const [earlier, later] = [dates[k - 1], dates[k]];
          if (later.date < earlier.date) {
            out.push(issue(['models', i, 'lifecycle', later.key], `${later.key} ${later.date} is before ${earlier.key} ${earlier.date}`, { expected: 'releasedOn <= legacyOn <= endOfLifeOn' }));
          }
        }
        return out;
      }),
  },
  {
    id: 'resilience',
    summary: "one attempt fits in the route's latency budget; backoff bounds are ordered",
    catalog: (ctx, issue) =>
      ctx.catalog.routes.flatMap((route, i) => {
        const r = route.resilience;
        const out: CatalogIssue[] = [];
        if (r.attemptTimeoutMs > r.latencyBudgetMs) {
          out.push(issue(['routes', i, 'resilience', 'attemptTimeoutMs'], `route "${route.id}": attemptTimeoutMs ${r.attemptTimeoutMs} exceeds latencyBudgetMs ${r.latencyBudgetMs}`, { fix: 'lower the attempt timeout or raise the budget' }));
        }
        if (r.backoff.baseMs > r.backoff.maxMs) {
          out.push(issue(['routes', i, 'resilience', 'backoff'], `route "${route.id}": backoff baseMs ${r.backoff.baseMs} exceeds maxMs ${r.backoff.maxMs}`, { fix: 'make maxMs at least baseMs' }));
        }
        return out;
      }),
  },
];

