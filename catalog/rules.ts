import type { Model, ModelCatalog, Route } from '../schemas/generated/model-catalog';
import type { Environment } from '../schemas/generated/environment';
import type { CatalogIssue } from './issues';
import { pointerOf } from './issues';
import type { JsonDocument } from './json-file';
import { bedrockAccess, unmetRequirements } from './capabilities';
import { suggestReplacement } from '../selection/rank';
import { regionInGeography } from './regions';
import { didYouMean, listOf } from '../suggest/did-you-mean';

/**
 * The cross-field rules JSON Schema cannot express. Each has a stable id (shown in messages and in
 * `npm run validate -- --rules`) and reports issues located by JSON Pointer in the file at fault.
 */
export interface Rule<C> {
  readonly id: string;
  readonly summary: string;
  check(ctx: C): CatalogIssue[];
}

export interface CatalogContext {
  readonly doc: JsonDocument;
  readonly catalog: ModelCatalog;
  readonly models: ReadonlyMap<string, { model: Model; index: number }>;
  readonly routes: ReadonlyMap<string, { route: Route; index: number }>;
}

export interface EnvironmentContext extends CatalogContext {
  readonly envDoc: JsonDocument;
  readonly env: Environment;
  /** The environment file's name without .json, which the environment's name must equal. */
  readonly fileStem: string;
  /** Today as YYYY-MM-DD, for end-of-life checks. */
  readonly today: string;
}

/** A route as an environment serves it: the catalog's, with that environment's overrides. */
export interface EffectiveRoute {
  readonly route: Route;
  readonly routeIndex: number;
  readonly selectionIndex: number;
  readonly strategy: Route['strategy'];
  readonly target: string;
  readonly rules: NonNullable<Route['rules']>;
  readonly fallbacks: readonly string[];
  readonly latencyBudgetMs: number;
}

export function catalogContext(doc: JsonDocument): CatalogContext {
  const catalog = doc.value as ModelCatalog;
  const models = new Map<string, { model: Model; index: number }>();
  catalog.models.forEach((model, index) => {
    if (!models.has(model.id)) models.set(model.id, { model, index });
  });
  const routes = new Map<string, { route: Route; index: number }>();
  catalog.routes.forEach((route, index) => {
    if (!routes.has(route.id)) routes.set(route.id, { route, index });
  });
  return { doc, catalog, models, routes };
}

/** The routes an environment enables that exist in the catalog, overrides applied. */
export function effectiveRoutes(ctx: EnvironmentContext): EffectiveRoute[] {
  const out: EffectiveRoute[] = [];
  ctx.env.routes.forEach((sel, selectionIndex) => {
    const found = ctx.routes.get(sel.id);
    if (!found) return;
    const { route, index } = found;
    const useRules = route.strategy === 'content-based' && sel.useRules !== false;
    out.push({
      route,
      routeIndex: index,
      selectionIndex,
      strategy: useRules ? 'content-based' : 'static',
      target: sel.target ?? route.target,
      rules: useRules ? (route.rules ?? []) : [],
      fallbacks: sel.fallbacks ?? route.fallbacks,
      latencyBudgetMs: sel.latencyBudgetMs ?? route.resilience.latencyBudgetMs,
    });
  });
  return out;
}

/** Where a route names its models: target, rule targets, fallbacks, each with its JSON path. */
function modelReferences(route: Pick<Route, 'target' | 'rules' | 'fallbacks'>, base: (string | number)[]) {
  return [
    { id: route.target, path: [...base, 'target'] },
    ...(route.rules ?? []).map((r, i) => ({ id: r.target, path: [...base, 'rules', i, 'target'] })),
    ...route.fallbacks.map((id, i) => ({ id, path: [...base, 'fallbacks', i] })),
  ];
}

function issueAt(
  doc: JsonDocument,
  rule: string,
  path: (string | number)[],
  message: string,
  extra: { expected?: string; fix?: string; severity?: 'error' | 'warning'; subject?: string } = {},
): CatalogIssue {
  const pointer = pointerOf(path);
  return {
    severity: extra.severity ?? 'error',
    rule,
    ...(extra.subject ? { subject: extra.subject } : {}),
    file: doc.file,
    pointer,
    ...doc.locate(pointer),
    message,
    ...(extra.expected ? { expected: extra.expected } : {}),
    ...(extra.fix ? { fix: extra.fix } : {}),
  };
}

function unknownModel(ctx: CatalogContext, doc: JsonDocument, id: string, path: (string | number)[]): CatalogIssue {
  return issueAt(doc, 'unknown-model', path, `unknown model "${id}"`, {
    expected: `the id of a model in ${ctx.doc.file} /models`,
    fix: didYouMean(id, ctx.models.keys()) ?? `add a model "${id}" to ${ctx.doc.file} or use one of ${listOf([...ctx.models.keys()])}`,
  });
}

/** The first model a chain visits twice, with the chain up to it, or nothing. */
function repeatedInChain(chain: readonly string[]): { id: string; index: number } | undefined {
  const seen = new Set<string>();
  for (let index = 0; index < chain.length; index++) {
    if (seen.has(chain[index])) return { id: chain[index], index };
    seen.add(chain[index]);
  }
  return undefined;
}

const LIFECYCLE_NEEDS_REPLACEMENT = new Set(['legacy', 'deprecated', 'retired']);

export const CATALOG_RULES: readonly Rule<CatalogContext>[] = [
  {
    id: 'duplicate-id',
    summary: 'model and route ids are unique',
    check: (ctx) => [
      ...ctx.catalog.models.flatMap((m, i) =>
        ctx.models.get(m.id)!.index !== i
          ? [issueAt(ctx.doc, 'duplicate-id', ['models', i, 'id'], `model id "${m.id}" is used twice (also /models/${ctx.models.get(m.id)!.index})`, { fix: 'give each model its own id' })]
          : [],
      ),
      ...ctx.catalog.routes.flatMap((r, i) =>
        ctx.routes.get(r.id)!.index !== i
          ? [issueAt(ctx.doc, 'duplicate-id', ['routes', i, 'id'], `route id "${r.id}" is used twice (also /routes/${ctx.routes.get(r.id)!.index})`, { fix: 'give each route its own id' })]
          : [],
      ),
    ],
  },
  {
    id: 'unknown-model',
    summary: 'every model a route or a replacement names exists',
    check: (ctx) => [
      ...ctx.catalog.routes.flatMap((route, i) =>
        modelReferences(route, ['routes', i])
          .filter((ref) => !ctx.models.has(ref.id))
          .map((ref) => unknownModel(ctx, ctx.doc, ref.id, ref.path)),
      ),
      ...ctx.catalog.models.flatMap((m, i) =>
        m.lifecycle.replacement !== undefined && !ctx.models.has(m.lifecycle.replacement)
          ? [unknownModel(ctx, ctx.doc, m.lifecycle.replacement, ['models', i, 'lifecycle', 'replacement'])]
          : [],
      ),
    ],
  },
  {
    id: 'fallback-cycle',
    summary: 'a fallback chain never revisits a model, and replacements never loop',
    check: (ctx) => [
      ...ctx.catalog.routes.flatMap((route, i) => {
        const chain = [route.target, ...route.fallbacks];
        const repeat = repeatedInChain(chain);
        if (!repeat) return [];
        return [
          issueAt(ctx.doc, 'fallback-cycle', ['routes', i, 'fallbacks', repeat.index - 1], `the chain of route "${route.id}" visits "${repeat.id}" twice: ${chain.slice(0, repeat.index + 1).join(' -> ')}`, {
            expected: 'each model at most once in target + fallbacks',
            fix: `remove "${repeat.id}" from the fallbacks`,
          }),
        ];
      }),
      ...ctx.catalog.models.flatMap((m, i) => {
        const path = [m.id];
        let next = m.lifecycle.replacement;
        while (next !== undefined && ctx.models.has(next)) {
          if (path.includes(next)) {
            // Report a loop once, at the model where it is first entered in catalog order.
            const loopStart = path.indexOf(next);
            if (loopStart !== 0) return [];
            return [
              issueAt(ctx.doc, 'fallback-cycle', ['models', i, 'lifecycle', 'replacement'], `replacements loop: ${[...path, next].join(' -> ')}`, {
                fix: 'point the last model of the loop at an active model',
              }),
            ];
          }
          path.push(next);
          next = ctx.models.get(next)!.model.lifecycle.replacement;
        }
        return [];
      }),
    ],
  },
  {
    id: 'retired-model',
    summary: 'no route calls a retired model',
    check: (ctx) =>
      ctx.catalog.routes.flatMap((route, i) =>
        modelReferences(route, ['routes', i]).flatMap((ref) => {
          const m = ctx.models.get(ref.id)?.model;
          if (m?.lifecycle.status !== 'retired') return [];
          return [
            issueAt(ctx.doc, 'retired-model', ref.path, `route "${route.id}" uses retired model "${ref.id}": its requests would fail`, {
              subject: ref.id,
              expected: 'a model whose lifecycle status is not retired',
              fix: m.lifecycle.replacement ? `use its replacement "${m.lifecycle.replacement}"` : 'choose another model',
            }),
          ];
        }),
      ),
  },
  {
    id: 'requirements',
    summary: "every candidate of a route meets the route's requirements",
    check: (ctx) =>
      ctx.catalog.routes.flatMap((route, i) =>
        modelReferences(route, ['routes', i]).flatMap((ref) => {
          const m = ctx.models.get(ref.id)?.model;
          const unmet = m ? unmetRequirements(m, route) : [];
          if (unmet.length === 0) return [];
          return [
            issueAt(ctx.doc, 'requirements', ref.path, `model "${ref.id}" cannot serve route "${route.id}": ${unmet.join('; ')}`, {
              expected: `a model meeting /routes/${i}/requirements`,
              fix: 'choose a model that meets them, or relax the requirements',
            }),
          ];
        }),
      ),
  },
  {
    id: 'strategy-rules',
    summary: 'content-based routes have rules and static routes have none; token bounds are ordered',
    check: (ctx) =>
      ctx.catalog.routes.flatMap((route, i) => {
        const rules = route.rules ?? [];
        const out: CatalogIssue[] = [];
        if (route.strategy === 'static' && rules.length > 0) {
          out.push(issueAt(ctx.doc, 'strategy-rules', ['routes', i, 'rules'], `static route "${route.id}" has ${rules.length} rules, which would never apply`, { fix: 'set "strategy": "content-based" or remove the rules' }));
        }
        if (route.strategy === 'content-based' && rules.length === 0) {
          out.push(issueAt(ctx.doc, 'strategy-rules', ['routes', i, 'strategy'], `content-based route "${route.id}" has no rules`, { fix: 'add rules or set "strategy": "static"' }));
        }
        rules.forEach((r, j) => {
          if (r.when.minInputTokens !== undefined && r.when.maxInputTokens !== undefined && r.when.minInputTokens > r.when.maxInputTokens) {
            out.push(issueAt(ctx.doc, 'strategy-rules', ['routes', i, 'rules', j, 'when'], `rule "${r.name}" can never match: minInputTokens ${r.when.minInputTokens} > maxInputTokens ${r.when.maxInputTokens}`, { fix: 'swap or correct the bounds' }));
          }
        });
        const names = rules.map((r) => r.name);
        const dup = repeatedInChain(names);
        if (dup) out.push(issueAt(ctx.doc, 'strategy-rules', ['routes', i, 'rules', dup.index, 'name'], `rule name "${dup.id}" is used twice in route "${route.id}"`, { fix: 'give each rule its own name' }));
        return out;
      }),
  },
  {
    id: 'bedrock-regions',
    summary: "a Bedrock model is invocable somewhere, and each inference profile's Regions lie in its geography",
    check: (ctx) =>
      ctx.catalog.models.flatMap((m, i) => {
        if (m.hosting.type !== 'bedrock') return [];
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const profiles = h.inferenceProfiles ?? [];
        if ((h.regions ?? []).length === 0 && profiles.length === 0) {
          out.push(issueAt(ctx.doc, 'bedrock-regions', ['models', i, 'hosting'], `model "${m.id}" lists no Region and no inference profile, so no environment can call it`, { fix: 'add the Regions where it is served on demand, or its inference profiles' }));
        }
        profiles.forEach((p, j) => {
          if (profiles.findIndex((q) => q.geography === p.geography) !== j) {
            out.push(issueAt(ctx.doc, 'bedrock-regions', ['models', i, 'hosting', 'inferenceProfiles', j, 'geography'], `model "${m.id}" lists the ${p.geography} profile twice`, { fix: 'merge the two entries' }));
          }
          p.regions.forEach((r, k) => {
            if (!regionInGeography(r, p.geography)) {
              out.push(issueAt(ctx.doc, 'bedrock-regions', ['models', i, 'hosting', 'inferenceProfiles', j, 'regions', k], `Region ${r} is not in the ${p.geography} geography of profile ${p.geography}.${h.modelId}`, { expected: `a Region of the ${p.geography} geography`, fix: 'list the profile\'s Regions as GetInferenceProfile returns them' }));
            }
          });
        });
        return out;
      }),
  },
  {
    id: 'sagemaker-model',
    summary: 'a SageMaker model has base weights (modelDataUrl or a registry version); adapters need base weights, unique names, and live under <modelDataUrl>adapters/<name>/',
    check: (ctx) =>
      ctx.catalog.models.flatMap((m, i) => {
        if (m.hosting.type !== 'sagemaker') return [];
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const adapters = h.adapters ?? [];
        if (h.modelDataUrl === undefined && h.modelRegistry === undefined) {
          out.push(issueAt(ctx.doc, 'sagemaker-model', ['models', i, 'hosting'], `SageMaker model "${m.id}" has neither modelDataUrl nor modelRegistry: the endpoint would have no weights`, { fix: 'add "modelDataUrl" (S3 URI of the weights) or "modelRegistry"' }));
        }
        if (adapters.length > 0 && h.modelDataUrl === undefined) {
          out.push(issueAt(ctx.doc, 'sagemaker-model', ['models', i, 'hosting', 'adapters'], `adapter "${adapters[0].name}" of "${m.id}" has no SageMaker base model: adapters load onto the base weights given by modelDataUrl`, { fix: 'add "modelDataUrl" with the S3 URI of the base model weights' }));
        }
        const dup = repeatedInChain(adapters.map((a) => a.name));
        if (dup) out.push(issueAt(ctx.doc, 'sagemaker-model', ['models', i, 'hosting', 'adapters', dup.index, 'name'], `adapter name "${dup.id}" is used twice in "${m.id}"`, { fix: 'give each adapter its own name' }));
        if (h.modelDataUrl !== undefined) {
          const base = h.modelDataUrl.endsWith('/') ? h.modelDataUrl : `${h.modelDataUrl}/`;
          adapters.forEach((a, j) => {
            const expected = `${base}adapters/${a.name}/`;
            if (a.artifactUrl.replace(/\/?$/, '/') !== expected) {
              out.push(issueAt(ctx.doc, 'sagemaker-model', ['models', i, 'hosting', 'adapters', j, 'artifactUrl'], `adapter "${a.name}" of "${m.id}" is at ${a.artifactUrl}, where the LMI container will not load it`, { expected, fix: `copy the adapter to ${expected} and point artifactUrl there` }));
            }
          });
        }
        return out;
      }),
  },
  {
    id: 'pricing',
    summary: 'prices fit the hosting (token prices for Bedrock, instance-hours for SageMaker) and token limits make sense',
    check: (ctx) =>
      ctx.catalog.models.flatMap((m, i) => {
        const p = m.pricing;
        const out: CatalogIssue[] = [];
        if (m.hosting.type === 'bedrock') {
          for (const key of ['inputPerMillionTokensUsd', 'outputPerMillionTokensUsd'] as const) {
            if (p[key] === undefined) out.push(issueAt(ctx.doc, 'pricing', ['models', i, 'pricing'], `Bedrock model "${m.id}" has no ${key}`, { fix: `add "${key}" from the Bedrock pricing page` }));
          }
          if (p.instanceHourUsd !== undefined) out.push(issueAt(ctx.doc, 'pricing', ['models', i, 'pricing', 'instanceHourUsd'], `Bedrock model "${m.id}" is billed per token, not per instance-hour`, { fix: 'remove "instanceHourUsd"' }));
        } else if (p.instanceHourUsd === undefined) {
          out.push(issueAt(ctx.doc, 'pricing', ['models', i, 'pricing'], `SageMaker model "${m.id}" has no instanceHourUsd, so its cost cannot be estimated`, { fix: 'add "instanceHourUsd" for its default instance type' }));
        }
        if (p.inputPerMillionTokensUsd === 0 && p.outputPerMillionTokensUsd === 0) {
          out.push(issueAt(ctx.doc, 'pricing', ['models', i, 'pricing'], `model "${m.id}" is priced at 0 for input and output tokens`, { fix: 'enter the published prices' }));
        }
        if (m.capabilities.maxOutputTokens > m.capabilities.contextWindowTokens) {
          out.push(issueAt(ctx.doc, 'pricing', ['models', i, 'capabilities', 'maxOutputTokens'], `model "${m.id}" has maxOutputTokens ${m.capabilities.maxOutputTokens} above its context window of ${m.capabilities.contextWindowTokens}`, { fix: 'check both figures on the model card' }));
        }
        return out;
      }),
  },
  {
    id: 'lifecycle',
    summary: 'legacy, deprecated and retired models name an existing, non-retired replacement; dates are in order',
    check: (ctx) =>
      ctx.catalog.models.flatMap((m, i) => {
        const l = m.lifecycle;
        const out: CatalogIssue[] = [];
        if (LIFECYCLE_NEEDS_REPLACEMENT.has(l.status) && l.replacement === undefined) {
          const region = m.hosting.type === 'bedrock' ? (m.hosting.regions?.[0] ?? m.hosting.inferenceProfiles?.[0]?.regions[0]) : undefined;
          const suggested = region === undefined ? undefined : suggestReplacement(ctx.catalog, m.id, region);
          out.push(
            issueAt(ctx.doc, 'lifecycle', ['models', i, 'lifecycle'], `${l.status} model "${m.id}" names no replacement`, {
              fix: suggested
                ? `add "replacement": "${suggested.id}" (ranked first in ${region} by npm run select for what "${m.id}" offers), or another model that takes over its routes`
                : 'add "replacement" with the id of the model that takes over its routes',
            }),
          );
        }
        if (l.replacement === m.id) {
          out.push(issueAt(ctx.doc, 'lifecycle', ['models', i, 'lifecycle', 'replacement'], `model "${m.id}" names itself as its replacement`, { fix: 'name another model' }));
        } else if (l.replacement !== undefined && ctx.models.get(l.replacement)?.model.lifecycle.status === 'retired') {
          out.push(issueAt(ctx.doc, 'lifecycle', ['models', i, 'lifecycle', 'replacement'], `the replacement of "${m.id}", "${l.replacement}", is itself retired`, { fix: `name the replacement's own replacement or another active model` }));
        }
        const dates = (['releasedOn', 'legacyOn', 'endOfLifeOn'] as const).filter((k) => l[k] !== undefined);
        for (let k = 1; k < dates.length; k++) {
          if (l[dates[k]]! < l[dates[k - 1]]!) {
            out.push(issueAt(ctx.doc, 'lifecycle', ['models', i, 'lifecycle', dates[k]], `${dates[k]} ${l[dates[k]]} is before ${dates[k - 1]} ${l[dates[k - 1]]}`, { expected: 'releasedOn <= legacyOn <= endOfLifeOn' }));
          }
        }
        return out;
      }),
  },
  {
    id: 'resilience',
    summary: "one attempt fits in the route's latency budget; backoff bounds are ordered",
    check: (ctx) =>
      ctx.catalog.routes.flatMap((route, i) => {
        const r = route.resilience;
        const out: CatalogIssue[] = [];
        if (r.attemptTimeoutMs > r.latencyBudgetMs) {
          out.push(issueAt(ctx.doc, 'resilience', ['routes', i, 'resilience', 'attemptTimeoutMs'], `route "${route.id}": attemptTimeoutMs ${r.attemptTimeoutMs} exceeds latencyBudgetMs ${r.latencyBudgetMs}`, { fix: 'lower the attempt timeout or raise the budget' }));
        }
        if (r.backoff.baseMs > r.backoff.maxMs) {
          out.push(issueAt(ctx.doc, 'resilience', ['routes', i, 'resilience', 'backoff'], `route "${route.id}": backoff baseMs ${r.backoff.baseMs} exceeds maxMs ${r.backoff.maxMs}`, { fix: 'make maxMs at least baseMs' }));
        }
        return out;
      }),
  },
];

export const ENVIRONMENT_RULES: readonly Rule<EnvironmentContext>[] = [
  {
    id: 'environment-name',
    summary: "an environment's name equals its file name",
    check: (ctx) =>
      ctx.env.name === ctx.fileStem
        ? []
        : [issueAt(ctx.envDoc, 'environment-name', ['name'], `name "${ctx.env.name}" differs from the file name ${ctx.fileStem}.json`, { fix: `set "name": "${ctx.fileStem}" or rename the file` })],
  },
  {
    id: 'unknown-route',
    summary: 'an environment enables existing routes, each once, and assumes traffic only for them',
    check: (ctx) => {
      const enabled = new Set(ctx.env.routes.map((r) => r.id));
      return [
        ...ctx.env.routes.flatMap((sel, i) => {
          if (!ctx.routes.has(sel.id)) {
            return [issueAt(ctx.envDoc, 'unknown-route', ['routes', i, 'id'], `unknown route "${sel.id}"`, { expected: `the id of a route in ${ctx.doc.file} /routes`, fix: didYouMean(sel.id, ctx.routes.keys()) ?? `one of ${listOf([...ctx.routes.keys()])}` })];
          }
          if (ctx.env.routes.findIndex((r) => r.id === sel.id) !== i) {
            return [issueAt(ctx.envDoc, 'unknown-route', ['routes', i, 'id'], `route "${sel.id}" is listed twice`, { fix: 'merge the two entries' })];
          }
          return [];
        }),
        ...Object.keys(ctx.env.costAssumptions ?? {}).flatMap((id) =>
          enabled.has(id)
            ? []
            : [issueAt(ctx.envDoc, 'unknown-route', ['costAssumptions', id], `cost assumptions for route "${id}", which this environment does not serve`, { fix: didYouMean(id, enabled) ?? 'remove them or enable the route' })],
        ),
      ];
    },
  },
  {
    id: 'override',
    summary: 'route overrides name existing, non-retired models that meet the route, in a chain without repeats, and useRules only on content-based routes',
    check: (ctx) =>
      effectiveRoutes(ctx).flatMap((eff) => {
        const sel = ctx.env.routes[eff.selectionIndex];
        const base = ['routes', eff.selectionIndex];
        const out: CatalogIssue[] = [];
        const refs = [
          ...(sel.target !== undefined ? [{ id: sel.target, path: [...base, 'target'] }] : []),
          ...(sel.fallbacks ?? []).map((id, i) => ({ id, path: [...base, 'fallbacks', i] })),
        ];
        for (const ref of refs) {
          const m = ctx.models.get(ref.id)?.model;
          if (!m) {
            out.push(unknownModel(ctx, ctx.envDoc, ref.id, ref.path));
          } else if (m.lifecycle.status === 'retired') {
            out.push(issueAt(ctx.envDoc, 'retired-model', ref.path, `route "${sel.id}" uses retired model "${ref.id}": its requests would fail`, { subject: ref.id, fix: m.lifecycle.replacement ? `use its replacement "${m.lifecycle.replacement}"` : 'choose another model' }));
          } else {
            const unmet = unmetRequirements(m, eff.route);
            if (unmet.length) out.push(issueAt(ctx.envDoc, 'requirements', ref.path, `model "${ref.id}" cannot serve route "${sel.id}": ${unmet.join('; ')}`, { expected: `a model meeting the requirements of route "${sel.id}" in ${ctx.doc.file}`, fix: 'choose a model that meets them' }));
          }
        }
        if (sel.target !== undefined || sel.fallbacks !== undefined) {
          const chain = [eff.target, ...eff.fallbacks];
          const repeat = repeatedInChain(chain);
          if (repeat) out.push(issueAt(ctx.envDoc, 'fallback-cycle', sel.fallbacks ? [...base, 'fallbacks'] : [...base, 'target'], `the chain of route "${sel.id}" here visits "${repeat.id}" twice: ${chain.slice(0, repeat.index + 1).join(' -> ')}`, { fix: `remove "${repeat.id}" from the fallbacks` }));
        }
        if (sel.useRules !== undefined && eff.route.strategy === 'static') {
          out.push(issueAt(ctx.envDoc, 'override', [...base, 'useRules'], `route "${sel.id}" is static: useRules has nothing to turn on or off`, { fix: 'remove "useRules"' }));
        }
        return out;
      }),
  },
  {
    id: 'region',
    summary: "every model a route may call is served in the environment's Region, directly or through a profile whose geography matches",
    check: (ctx) => {
      const out: CatalogIssue[] = [];
      const reported = new Set<string>();
      for (const eff of effectiveRoutes(ctx)) {
        for (const id of [eff.target, ...eff.rules.map((r) => r.target), ...eff.fallbacks]) {
          const m = ctx.models.get(id)?.model;
          if (!m || m.hosting.type !== 'bedrock' || reported.has(id) || bedrockAccess(m, ctx.env.region)) continue;
          reported.add(id);
          const profiles = m.hosting.inferenceProfiles ?? [];
          const mismatched = profiles.filter((p) => !regionInGeography(ctx.env.region, p.geography)).map((p) => p.geography);
          const message =
            mismatched.length > 0
              ? `model "${id}" (route "${eff.route.id}") is not served in ${ctx.env.region}: the geography of its profiles (${mismatched.join(', ')}) does not match the Region`
              : `model "${id}" (route "${eff.route.id}") is not served in ${ctx.env.region}`;
          out.push(issueAt(ctx.envDoc, 'region', ['region'], message, {
            expected: `a Region in ${[...(m.hosting.regions ?? []), ...profiles.flatMap((p) => p.regions)].filter((r, i, a) => a.indexOf(r) === i).join(', ')}`,
            fix: `override route "${eff.route.id}" here with a model served in ${ctx.env.region}, or add the Region to the model if Bedrock now serves it there`,
          }));
        }
      }
      return out;
    },
  },
  {
    id: 'production-fallback',
    summary: 'every production route has a fallback',
    check: (ctx) =>
      ctx.env.tier !== 'production'
        ? []
        : effectiveRoutes(ctx)
            .filter((eff) => eff.fallbacks.length === 0)
            .map((eff) =>
              issueAt(ctx.envDoc, 'production-fallback', ['routes', eff.selectionIndex], `production route "${eff.route.id}" has no fallback: one failing model would fail every request`, {
                subject: eff.route.id,
                fix: 'add a fallback model to the route (or its override here)',
              }),
            ),
  },
  {
    id: 'preview-in-production',
    summary: 'production serves no preview model',
    check: (ctx) =>
      ctx.env.tier !== 'production'
        ? []
        : effectiveRoutes(ctx).flatMap((eff) =>
            [eff.target, ...eff.rules.map((r) => r.target), ...eff.fallbacks]
              .filter((id) => ctx.models.get(id)?.model.lifecycle.status === 'preview')
              .map((id) =>
                issueAt(ctx.envDoc, 'preview-in-production', ['routes', eff.selectionIndex], `production route "${eff.route.id}" uses preview model "${id}"`, {
                  subject: id,
                  fix: 'override the route here with an active model until the model is generally available',
                }),
              ),
          ),
  },
  {
    id: 'lifecycle-use',
    summary: 'no environment uses a model past its end of life; a legacy or deprecated model in use is a warning',
    check: (ctx) => {
      const out: CatalogIssue[] = [];
      const seen = new Set<string>();
      for (const eff of effectiveRoutes(ctx)) {
        for (const id of [eff.target, ...eff.rules.map((r) => r.target), ...eff.fallbacks]) {
          const m = ctx.models.get(id)?.model;
          if (!m || seen.has(id)) continue;
          seen.add(id);
          const l = m.lifecycle;
          if (l.endOfLifeOn !== undefined && l.endOfLifeOn <= ctx.today && l.status !== 'retired') {
            out.push(issueAt(ctx.envDoc, 'end-of-life', ['routes', eff.selectionIndex], `model "${id}" (route "${eff.route.id}") reached its end of life on ${l.endOfLifeOn}`, { subject: id, fix: l.replacement ? `move to "${l.replacement}" and mark the model retired` : 'move the route to another model' }));
          } else if (l.status === 'legacy' || l.status === 'deprecated') {
            out.push(issueAt(ctx.envDoc, 'lifecycle-use', ['routes', eff.selectionIndex], `model "${id}" (route "${eff.route.id}") is ${l.status}${l.endOfLifeOn ? `, end of life ${l.endOfLifeOn}` : ''}`, { severity: 'warning', fix: l.replacement ? `plan the move to "${l.replacement}"` : undefined }));
          }
        }
      }
      return out;
    },
  },
  {
    id: 'sagemaker-capacity',
    summary: 'endpoint capacity names SageMaker models; a model a route uses has an endpoint here; serverless endpoints carry no adapters',
    check: (ctx) => {
      const out: CatalogIssue[] = [];
      const endpoints = ctx.env.sagemaker?.endpoints ?? {};
      for (const [id, cap] of Object.entries(endpoints)) {
        const m = ctx.models.get(id)?.model;
        const path = ['sagemaker', 'endpoints', id];
        if (!m) {
          out.push(unknownModel(ctx, ctx.envDoc, id, path));
          continue;
        }
        if (m.hosting.type !== 'sagemaker') {
          out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', path, `model "${id}" is hosted on ${m.hosting.type}, not SageMaker: it has no endpoint to size`, { fix: 'remove this entry' }));
          continue;
        }
        if (cap.mode === 'serverless' && (m.hosting.adapters ?? []).length > 0) {
          out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', [...path, 'mode'], `model "${id}" has LoRA adapters, which serverless endpoints cannot serve (CPU only, no LMI multi-adapter serving)`, { fix: 'use "mode": "instances", or "none" and route elsewhere' }));
        }
        if (cap.mode === 'serverless' && (cap.memorySizeMb === undefined || cap.maxConcurrency === undefined)) {
          out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', path, `serverless endpoint of "${id}" needs memorySizeMb and maxConcurrency`, { fix: 'add both' }));
        }
        if (cap.mode === 'instances' && cap.instanceType === undefined && m.hosting.instanceType === undefined) {
          out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', path, `endpoint of "${id}" has no instance type here or in the catalog`, { fix: 'add "instanceType"' }));
        }
      }
      for (const eff of effectiveRoutes(ctx)) {
        for (const id of [eff.target, ...eff.rules.map((r) => r.target), ...eff.fallbacks]) {
          const m = ctx.models.get(id)?.model;
          if (m?.hosting.type !== 'sagemaker') continue;
          if (endpoints[id]?.mode === 'none') {
            out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', ['sagemaker', 'endpoints', id, 'mode'], `route "${eff.route.id}" uses "${id}", which has no endpoint in ${ctx.env.name}`, { fix: `override route "${eff.route.id}" here with a Bedrock model, or give "${id}" an endpoint` }));
          } else if (endpoints[id] === undefined && m.hosting.instanceType === undefined) {
            out.push(issueAt(ctx.envDoc, 'sagemaker-capacity', ['sagemaker'], `route "${eff.route.id}" uses "${id}", but neither the catalog nor ${ctx.env.name} sizes its endpoint`, { fix: `add sagemaker.endpoints["${id}"]` }));
          }
        }
      }
      return out;
    },
  },
  {
    id: 'rollout',
    summary: 'failover Regions differ from the primary; roll-out strategies have the figures their shape needs; consumer names are unique',
    check: (ctx) => {
      const out: CatalogIssue[] = [];
      (ctx.env.failoverRegions ?? []).forEach((r, i) => {
        if (r === ctx.env.region) out.push(issueAt(ctx.envDoc, 'rollout', ['failoverRegions', i], `failover Region ${r} is the primary Region`, { fix: 'remove it' }));
      });
      const d = ctx.env.appConfig.deployment;
      if (d.type !== 'all-at-once') {
        for (const key of ['durationMinutes', 'growthFactorPercent'] as const) {
          if (d[key] === undefined) out.push(issueAt(ctx.envDoc, 'rollout', ['appConfig', 'deployment'], `a ${d.type} AppConfig deployment needs ${key}`, { fix: `add "${key}"` }));
        }
      }
      const r = ctx.env.sagemaker?.rollout;
      if (r && r.type !== 'all-at-once') {
        if (r.stepPercent === undefined) out.push(issueAt(ctx.envDoc, 'rollout', ['sagemaker', 'rollout'], `a ${r.type} endpoint roll-out needs stepPercent`, { fix: 'add "stepPercent"' }));
        else if (r.type === 'linear' && r.stepPercent < 10) out.push(issueAt(ctx.envDoc, 'rollout', ['sagemaker', 'rollout', 'stepPercent'], `linear steps of ${r.stepPercent}% are below SageMaker's minimum of 10%`, { expected: '10 to 50' }));
      }
      const consumers = (ctx.env.api.consumers ?? []).map((c) => c.name);
      const dup = repeatedInChain(consumers);
      if (dup) out.push(issueAt(ctx.envDoc, 'rollout', ['api', 'consumers', dup.index, 'name'], `consumer "${dup.id}" is listed twice`, { fix: 'merge the two entries' }));
      return out;
    },
  },
];
