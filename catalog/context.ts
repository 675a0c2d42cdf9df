import type { Model, ModelCatalog, Route } from '../schemas/generated/model-catalog';
import type { Environment } from '../schemas/generated/environment';
import type { JsonDocument } from './json-file';

/** A JSON path inside one file: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/**
 * A model to take over from a leaving one, with the reason it was chosen in words (shown in the
 * validator's fix). The loader is given one; without it the fix says only what to add.
 */
export type ReplacementSuggester = (
  catalog: ModelCatalog,
  modelId: string,
  region: string,
) => { readonly id: string; readonly basis: string } | undefined;

/** What the catalog rules read: the catalog file, parsed, with its models and routes by id. */
export interface CatalogContext {
  readonly doc: JsonDocument;
  readonly catalog: ModelCatalog;
  /** The first model (and its index) of each id; a repeated id is the duplicate-id rule's to report. */
  readonly models: ReadonlyMap<string, { model: Model; index: number }>;
  readonly routes: ReadonlyMap<string, { route: Route; index: number }>;
  readonly suggestReplacement?: ReplacementSuggester;
}

/** What the environment rules read: the catalog and one environment file. */
export interface EnvironmentContext extends CatalogContext {
  readonly envDoc: JsonDocument;
  readonly env: Environment;
  /** The environment file's name without .json, which the environment's name must equal. */
  readonly fileStem: string;
  /** Today as YYYY-MM-DD, for end-of-life checks. */
  readonly today: string;
  /** Every environment file loaded with this one (itself included): what account-wide rules compare. */
  readonly environments: readonly Environment[];
}

export function catalogContext(doc: JsonDocument, suggestReplacement?: ReplacementSuggester): CatalogContext {
  const catalog = doc.value as ModelCatalog;
  const models = new Map<string, { model: Model; index: number }>();
  catalog.models.forEach((model, index) => {
    if (!models.has(model.id)) models.set(model.id, { model, index });
  });
  const routes = new Map<string, { route: Route; index: number }>();
  catalog.routes.forEach((route, index) => {
    if (!routes.has(route.id)) routes.set(route.id, { route, index });
  });
  return { doc, catalog, models, routes, ...(suggestReplacement ? { suggestReplacement } : {}) };
}

export function environmentContext(
  ctx: CatalogContext,
  envDoc: JsonDocument,
  fileStem: string,
  today: string,
  environments?: readonly Environment[],
): EnvironmentContext {
  const env = envDoc.value as Environment;
  return { ...ctx, envDoc, env, fileStem, today, environments: environments ?? [env] };
}

/** One place a route names a model, with the JSON path of that name relative to the route. */
export interface Candidate {
  readonly id: string;
  readonly path: JsonPath;
}

/**
 * Every model a route names, in the order the router tries them: the target, each rule's target,
 * then the fallbacks; repeats kept (a chain that repeats a model is the fallback-cycle rule's).
 * An environment's override passes only what it sets.
 */
export function candidatesOf(route: {
  readonly target?: string;
  readonly rules?: readonly { readonly target: string }[];
  readonly fallbacks?: readonly string[];
}): Candidate[] {
  return [
    ...(route.target !== undefined ? [{ id: route.target, path: ['target'] }] : []),
    ...(route.rules ?? []).map((r, i) => ({ id: r.target, path: ['rules', i, 'target'] })),
    ...(route.fallbacks ?? []).map((id, i) => ({ id, path: ['fallbacks', i] })),
  ];
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
  /** Every model the route may call here: target, rule targets, fallbacks; each once, in that order. */
  readonly candidates: readonly string[];
  readonly latencyBudgetMs: number;
}

/** The routes an environment enables that exist in the catalog, overrides applied. */
export function effectiveRoutes(ctx: EnvironmentContext): EffectiveRoute[] {
  const out: EffectiveRoute[] = [];
  ctx.env.routes.forEach((sel, selectionIndex) => {
    const found = ctx.routes.get(sel.id);
    if (!found) return;
    const { route, index } = found;
    const useRules = route.strategy === 'content-based' && sel.useRules !== false;
    const served = {
      target: sel.target ?? route.target,
      rules: useRules ? (route.rules ?? []) : [],
      fallbacks: sel.fallbacks ?? route.fallbacks,
    };
    out.push({
      route,
      routeIndex: index,
      selectionIndex,
      strategy: useRules ? 'content-based' : 'static',
      ...served,
      candidates: [...new Set(candidatesOf(served).map((c) => c.id))],
      latencyBudgetMs: sel.latencyBudgetMs ?? route.resilience.latencyBudgetMs,
    });
  });
  return out;
}

/** The catalog's models of one hosting type, with their index in the file. */
export function modelsHostedOn<T extends Model['hosting']['type']>(
  ctx: CatalogContext,
  type: T,
): { model: Model & { hosting: Extract<Model['hosting'], { type: T }> }; index: number }[] {
  return ctx.catalog.models.flatMap((model, index) => (isHostedOn(model, type) ? [{ model, index }] : []));
}

function isHostedOn<T extends Model['hosting']['type']>(
  model: Model,
  type: T,
): model is Model & { hosting: Extract<Model['hosting'], { type: T }> } {
  return model.hosting.type === type;
}
