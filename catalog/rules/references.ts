import { HOSTING_KINDS } from '../../hosting';
import { unmetRequirements } from '../capabilities';
import {
  candidatesOf,
  effectiveRoutes,
  type Candidate,
  type CatalogContext,
  type EffectiveRoute,
  type EnvironmentContext,
  type JsonPath,
} from '../context';
import type { CatalogIssue, IssueDetails } from '../issues';
import { didYouMean, listOf } from '../../suggest/did-you-mean';
import { firstRepeat, type Report, type Rule } from './rule';

/*
 * The rules on every model a route names, wherever it is named: in the catalog's routes, and in an
 * environment's overrides (only what the override sets; the rest is the catalog's, judged there).
 */

/** A model named in a file: where, and by which route. */
interface Reference extends Candidate {
  readonly routeId: string;
}

/** The models a catalog route names, with their paths in the catalog. */
function catalogReferences(ctx: CatalogContext): (Reference & { readonly routeIndex: number })[] {
  return ctx.catalog.routes.flatMap((route, i) =>
    candidatesOf(route).map((c) => ({ id: c.id, path: ['routes', i, ...c.path], routeId: route.id, routeIndex: i })),
  );
}

/** The models an environment's override names itself, with their paths in the environment file. */
function overrideReferences(ctx: EnvironmentContext): (Reference & { readonly served: EffectiveRoute })[] {
  return effectiveRoutes(ctx).flatMap((served) => {
    const sel = ctx.env.routes[served.selectionIndex];
    return candidatesOf({ target: sel.target, fallbacks: sel.fallbacks }).map((c) => ({
      id: c.id,
      path: ['routes', served.selectionIndex, ...c.path],
      routeId: sel.id,
      served,
    }));
  });
}

/** Where an environment names models outside its route overrides: each hosting kind's own section. */
function hostingReferences(ctx: EnvironmentContext): Candidate[] {
  return Object.values(HOSTING_KINDS).flatMap((kind) => kind.environmentReferences(ctx.env));
}

/** The models an environment declares Bedrock quotas for (a misspelt one would never match its traffic). */
function quotaReferences(ctx: EnvironmentContext): Candidate[] {
  return (ctx.env.quotas?.bedrock ?? []).map((q, i) => ({ id: q.model, path: ['quotas', 'bedrock', i, 'model'] }));
}

function unknownModel(ctx: CatalogContext, issue: Report, id: string, path: JsonPath): CatalogIssue {
  return issue(path, `unknown model "${id}"`, {
    expected: `the id of a model in ${ctx.doc.file} /models`,
    fix:
      didYouMean(id, ctx.models.keys()) ??
      `add a model "${id}" to ${ctx.doc.file} or use one of ${listOf([...ctx.models.keys()])}`,
  });
}

function retiredModel(ctx: CatalogContext, issue: Report, ref: Reference): CatalogIssue[] {
  const m = ctx.models.get(ref.id)?.model;
  if (m?.lifecycle.status !== 'retired') return [];
  return [
    issue(ref.path, `route "${ref.routeId}" uses retired model "${ref.id}": its requests would fail`, {
      subject: ref.id,
      expected: 'a model whose lifecycle status is not retired',
      fix: m.lifecycle.replacement ? `use its replacement "${m.lifecycle.replacement}"` : 'choose another model',
    }),
  ];
}

function unmet(
  ctx: CatalogContext,
  issue: Report,
  ref: Reference,
  route: EffectiveRoute['route'],
  details: IssueDetails,
): CatalogIssue[] {
  const m = ctx.models.get(ref.id)?.model;
  const problems = m ? unmetRequirements(m, route) : [];
  return problems.length === 0
    ? []
    : [issue(ref.path, `model "${ref.id}" cannot serve route "${ref.routeId}": ${problems.join('; ')}`, details)];
}

export const REFERENCE_RULES: readonly Rule[] = [
  {
    id: 'unknown-model',
    summary: 'every model a route, a replacement or an environment names exists',
    catalog: (ctx, issue) => [
      ...catalogReferences(ctx)
        .filter((ref) => !ctx.models.has(ref.id))
        .map((ref) => unknownModel(ctx, issue, ref.id, ref.path)),
      ...ctx.catalog.models.flatMap((m, i) =>
        m.lifecycle.replacement !== undefined && !ctx.models.has(m.lifecycle.replacement)
          ? [unknownModel(ctx, issue, m.lifecycle.replacement, ['models', i, 'lifecycle', 'replacement'])]
          : [],
      ),
    ],
    environment: (ctx, issue) =>
      [...overrideReferences(ctx), ...hostingReferences(ctx), ...quotaReferences(ctx)]
        .filter((ref) => !ctx.models.has(ref.id))
        .map((ref) => unknownModel(ctx, issue, ref.id, ref.path)),
  },
  {
    id: 'fallback-cycle',
    summary: "a fallback chain (an override's too) never revisits a model, and replacements never loop",
    catalog: (ctx, issue) => [
      ...ctx.catalog.routes.flatMap((route, i) => {
        const chain = [route.target, ...route.fallbacks];
        const repeat = firstRepeat(chain);
        if (!repeat) return [];
        return [
          issue(
            ['routes', i, 'fallbacks', repeat.index - 1],
            `the chain of route "${route.id}" visits "${repeat.id}" twice: ${chain.slice(0, repeat.index + 1).join(' -> ')}`,
            {
              expected: 'each model at most once in target + fallbacks',
              fix: `remove "${repeat.id}" from the fallbacks`,
            },
          ),
        ];
      }),
      ...ctx.catalog.models.flatMap((m, i) => {
        const path = [m.id];
        let next = m.lifecycle.replacement;
        while (next !== undefined) {
          const found = ctx.models.get(next);
          if (!found) return [];
          if (path.includes(next)) {
            // Report a loop once, at the model where it is first entered in catalog order.
            if (path.indexOf(next) !== 0) return [];
            return [
              issue(['models', i, 'lifecycle', 'replacement'], `replacements loop: ${[...path, next].join(' -> ')}`, {
                fix: 'point the last model of the loop at an active model',
              }),
            ];
          }
          path.push(next);
          next = found.model.lifecycle.replacement;
        }
        return [];
      }),
    ],
    environment: (ctx, issue) =>
      effectiveRoutes(ctx).flatMap((served) => {
        const sel = ctx.env.routes[served.selectionIndex];
        if (sel.target === undefined && sel.fallbacks === undefined) return [];
        const chain = [served.target, ...served.fallbacks];
        const repeat = firstRepeat(chain);
        if (!repeat) return [];
        const base = ['routes', served.selectionIndex];
        return [
          issue(
            sel.fallbacks ? [...base, 'fallbacks'] : [...base, 'target'],
            `the chain of route "${sel.id}" here visits "${repeat.id}" twice: ${chain.slice(0, repeat.index + 1).join(' -> ')}`,
            {
              fix: `remove "${repeat.id}" from the fallbacks`,
            },
          ),
        ];
      }),
  },
  {
    id: 'retired-model',
    summary: 'no route, and no override, calls a retired model',
    catalog: (ctx, issue) => catalogReferences(ctx).flatMap((ref) => retiredModel(ctx, issue, ref)),
    environment: (ctx, issue) => overrideReferences(ctx).flatMap((ref) => retiredModel(ctx, issue, ref)),
  },
  {
    id: 'requirements',
    summary: "every candidate of a route, and of an override, meets the route's requirements",
    catalog: (ctx, issue) =>
      catalogReferences(ctx).flatMap((ref) =>
        unmet(ctx, issue, ref, ctx.catalog.routes[ref.routeIndex], {
          expected: `a model meeting /routes/${ref.routeIndex}/requirements`,
          fix: 'choose a model that meets them, or relax the requirements',
        }),
      ),
    environment: (ctx, issue) =>
      overrideReferences(ctx).flatMap((ref) =>
        unmet(ctx, issue, ref, ref.served.route, {
          expected: `a model meeting the requirements of route "${ref.routeId}" in ${ctx.doc.file}`,
          fix: 'choose a model that meets them',
        }),
      ),
  },
];
