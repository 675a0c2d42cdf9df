import type { Model } from '../../schemas/generated/model-catalog';
import { HOSTING_KINDS, hostingKind } from '../../hosting';
import { effectiveRoutes, type EffectiveRoute, type EnvironmentContext } from '../context';
import type { CatalogIssue } from '../issues';
import { didYouMean, listOf } from '../../suggest/did-you-mean';
import { firstRepeat, type Report, type Rule } from './rule';

/** Each model the environment's routes may call, once, with the first route that calls it. */
function modelsInUse(ctx: EnvironmentContext): { model: Model; served: EffectiveRoute }[] {
  const seen = new Set<string>();
  const out: { model: Model; served: EffectiveRoute }[] = [];
  for (const served of effectiveRoutes(ctx)) {
    for (const id of served.candidates) {
      const model = ctx.models.get(id)?.model;
      if (!model || seen.has(id)) continue;
      seen.add(id);
      out.push({ model, served });
    }
  }
  return out;
}

/** Past its end-of-life date and not yet marked retired (a retired model is the retired-model rule's). */
function pastEndOfLife(model: Model, today: string): boolean {
  const l = model.lifecycle;
  return l.endOfLifeOn !== undefined && l.endOfLifeOn <= today && l.status !== 'retired';
}

/**
 * A consumer's limits judge only what the environment serves: a route limit names a served route, a
 * model limit a model some served route can call; a soft threshold lies below its hard limit; and a
 * limit (kind and scope) is set once per consumer.
 */
function consumerLimitIssues(ctx: EnvironmentContext, issue: Report): CatalogIssue[] {
  const served = effectiveRoutes(ctx);
  const routes = served.map((r) => r.route.id);
  const models = [...new Set(served.flatMap((r) => r.candidates))];
  const out: CatalogIssue[] = [];
  (ctx.env.api.consumers ?? []).forEach((consumer, ci) => {
    const keys = (consumer.limits ?? []).map((l) => `${l.limit}/${l.route ?? ''}/${l.model ?? ''}`);
    (consumer.limits ?? []).forEach((limit, li) => {
      const at = ['api', 'consumers', ci, 'limits', li];
      if (limit.route !== undefined && !routes.includes(limit.route))
        out.push(
          issue(
            [...at, 'route'],
            `consumer "${consumer.name}" limits route "${limit.route}", which ${ctx.env.name} does not serve`,
            {
              expected: `a route of ${ctx.env.name} /routes: ${listOf(routes)}`,
              fix: didYouMean(limit.route, routes) ?? `name one of ${listOf(routes)}, or serve the route in /routes`,
            },
          ),
        );
      if (limit.model !== undefined && !models.includes(limit.model))
        out.push(
          issue(
            [...at, 'model'],
            `consumer "${consumer.name}" limits model "${limit.model}", which no route of ${ctx.env.name} can call`,
            {
              expected: `a model some route of ${ctx.env.name} calls: ${listOf(models)}`,
              fix: didYouMean(limit.model, models) ?? `name one of ${listOf(models)}, or remove the limit`,
            },
          ),
        );
      if (limit.soft !== undefined && limit.soft >= limit.hard)
        out.push(
          issue([...at, 'soft'], `soft threshold ${limit.soft} is not below the hard limit ${limit.hard}`, {
            fix: `set "soft" below ${limit.hard} (for example ${Math.round(limit.hard * 0.8 * 100) / 100}), or remove it`,
          }),
        );
    });
    const dup = firstRepeat(keys);
    if (dup)
      out.push(
        issue(['api', 'consumers', ci, 'limits', dup.index], `consumer "${consumer.name}" sets the same limit twice`, {
          fix: 'keep one of the two entries',
        }),
      );
  });
  return out;
}

/** The rules on one environment file, judged against the catalog. */
export const ENVIRONMENT_RULES: readonly Rule[] = [
  {
    id: 'environment-name',
    summary: "an environment's name equals its file name",
    environment: (ctx, issue) =>
      ctx.env.name === ctx.fileStem
        ? []
        : [
            issue(['name'], `name "${ctx.env.name}" differs from the file name ${ctx.fileStem}.json`, {
              fix: `set "name": "${ctx.fileStem}" or rename the file`,
            }),
          ],
  },
  {
    id: 'unknown-route',
    summary: 'an environment enables existing routes, each once, and assumes traffic only for them',
    environment: (ctx, issue) => {
      const enabled = new Set(ctx.env.routes.map((r) => r.id));
      return [
        ...ctx.env.routes.flatMap((sel, i) => {
          if (!ctx.routes.has(sel.id)) {
            return [
              issue(['routes', i, 'id'], `unknown route "${sel.id}"`, {
                expected: `the id of a route in ${ctx.doc.file} /routes`,
                fix: didYouMean(sel.id, ctx.routes.keys()) ?? `one of ${listOf([...ctx.routes.keys()])}`,
              }),
            ];
          }
          if (ctx.env.routes.findIndex((r) => r.id === sel.id) !== i) {
            return [issue(['routes', i, 'id'], `route "${sel.id}" is listed twice`, { fix: 'merge the two entries' })];
          }
          return [];
        }),
        ...Object.keys(ctx.env.costAssumptions ?? {}).flatMap((id) =>
          enabled.has(id)
            ? []
            : [
                issue(
                  ['costAssumptions', id],
                  `cost assumptions for route "${id}", which this environment does not serve`,
                  { fix: didYouMean(id, enabled) ?? 'remove them or enable the route' },
                ),
              ],
        ),
      ];
    },
  },
  {
    id: 'override',
    summary: 'useRules is overridden only on content-based routes',
    environment: (ctx, issue) =>
      effectiveRoutes(ctx).flatMap((served) => {
        const sel = ctx.env.routes[served.selectionIndex];
        return sel.useRules !== undefined && served.route.strategy === 'static'
          ? [
              issue(
                ['routes', served.selectionIndex, 'useRules'],
                `route "${sel.id}" is static: useRules has nothing to turn on or off`,
                { fix: 'remove "useRules"' },
              ),
            ]
          : [];
      }),
  },
  {
    id: 'region',
    summary:
      "every model a route may call is served in the environment's Region (a Bedrock model directly, or through a profile whose geography matches)",
    environment: (ctx, issue) => {
      const out: CatalogIssue[] = [];
      const reported = new Set<string>();
      for (const served of effectiveRoutes(ctx)) {
        for (const id of served.candidates) {
          const m = ctx.models.get(id)?.model;
          if (!m || reported.has(id)) continue;
          const access = hostingKind(m.hosting).servedIn(m.hosting, ctx.env.region);
          if (access.served) continue;
          reported.add(id);
          // Point at the override that brought the model here, when the environment's own route selection did.
          const sel = ctx.env.routes[served.selectionIndex];
          const fallbackAt = sel.fallbacks?.indexOf(id) ?? -1;
          const at: (string | number)[] =
            sel.target === id
              ? ['routes', served.selectionIndex, 'target']
              : fallbackAt >= 0
                ? ['routes', served.selectionIndex, 'fallbacks', fallbackAt]
                : ['region'];
          out.push(
            issue(
              at,
              `model "${id}" (route "${served.route.id}") is not served in ${ctx.env.region}${access.detail ? `: ${access.detail}` : ''}`,
              {
                expected:
                  access.regions.length > 0
                    ? `a Region in ${access.regions.join(', ')}`
                    : `a model served in ${ctx.env.region} (this one lists no Region and no inference profile)`,
                fix: `override route "${served.route.id}" here with a model served in ${ctx.env.region}, or ${access.catalogFix}`,
              },
            ),
          );
        }
      }
      return out;
    },
  },
  {
    id: 'production-fallback',
    summary: 'every production route has a fallback',
    environment: (ctx, issue) =>
      ctx.env.tier !== 'production'
        ? []
        : effectiveRoutes(ctx)
            .filter((eff) => eff.fallbacks.length === 0)
            .map((eff) =>
              issue(
                ['routes', eff.selectionIndex],
                `production route "${eff.route.id}" has no fallback: one failing model would fail every request`,
                {
                  subject: eff.route.id,
                  fix: 'add a fallback model to the route (or its override here)',
                },
              ),
            ),
  },
  {
    id: 'preview-in-production',
    summary: 'production serves no preview model',
    environment: (ctx, issue) =>
      ctx.env.tier !== 'production'
        ? []
        : effectiveRoutes(ctx).flatMap((eff) =>
            eff.candidates
              .filter((id) => ctx.models.get(id)?.model.lifecycle.status === 'preview')
              .map((id) =>
                issue(['routes', eff.selectionIndex], `production route "${eff.route.id}" uses preview model "${id}"`, {
                  subject: id,
                  fix: 'override the route here with an active model until the model is generally available',
                }),
              ),
          ),
  },
  {
    id: 'end-of-life',
    summary: 'no environment uses a model past its end of life',
    environment: (ctx, issue) =>
      modelsInUse(ctx)
        .filter(({ model }) => pastEndOfLife(model, ctx.today))
        .map(({ model, served }) =>
          issue(
            ['routes', served.selectionIndex],
            `model "${model.id}" (route "${served.route.id}") reached its end of life on ${model.lifecycle.endOfLifeOn}`,
            {
              subject: model.id,
              fix: model.lifecycle.replacement
                ? `move to "${model.lifecycle.replacement}" and mark the model retired`
                : 'move the route to another model',
            },
          ),
        ),
  },
  {
    id: 'lifecycle-use',
    summary: 'a legacy or deprecated model in use (and not yet past its end of life) is a warning',
    environment: (ctx, issue) =>
      modelsInUse(ctx)
        .filter(
          ({ model }) =>
            (model.lifecycle.status === 'legacy' || model.lifecycle.status === 'deprecated') &&
            !pastEndOfLife(model, ctx.today),
        )
        .map(({ model, served }) => {
          const l = model.lifecycle;
          return issue(
            ['routes', served.selectionIndex],
            `model "${model.id}" (route "${served.route.id}") is ${l.status}${l.endOfLifeOn ? `, end of life ${l.endOfLifeOn}` : ''}`,
            {
              severity: 'warning',
              fix: l.replacement ? `plan the move to "${l.replacement}"` : undefined,
            },
          );
        }),
  },
  {
    id: 'rollout',
    summary:
      "failover Regions differ from the primary; roll-out strategies have the figures their shape needs, and a blue/green endpoint roll-out's waits fit its execution timeout; consumer names are unique",
    environment: (ctx, issue) => {
      const out: CatalogIssue[] = [];
      (ctx.env.failoverRegions ?? []).forEach((r, i) => {
        if (r === ctx.env.region)
          out.push(issue(['failoverRegions', i], `failover Region ${r} is the primary Region`, { fix: 'remove it' }));
      });
      const d = ctx.env.appConfig.deployment;
      if (d.type !== 'all-at-once') {
        for (const key of ['durationMinutes', 'growthFactorPercent'] as const) {
          if (d[key] === undefined)
            out.push(
              issue(['appConfig', 'deployment'], `a ${d.type} AppConfig deployment needs ${key}`, {
                fix: `add "${key}"`,
              }),
            );
        }
      }
      for (const kind of Object.values(HOSTING_KINDS)) out.push(...kind.rolloutIssues(ctx.env, issue));
      const consumers = (ctx.env.api.consumers ?? []).map((c) => c.name);
      const dup = firstRepeat(consumers);
      if (dup)
        out.push(
          issue(['api', 'consumers', dup.index, 'name'], `consumer "${dup.id}" is listed twice`, {
            fix: 'merge the two entries',
          }),
        );
      return out;
    },
  },
  {
    id: 'cost-allocation',
    summary:
      'application inference profiles per consumer need consumers, and cost allocation needs a Bedrock model to copy',
    environment: (ctx, issue) => {
      const mode = ctx.env.costAllocation?.applicationProfiles;
      if (mode === undefined || mode === 'off') return [];
      const out: CatalogIssue[] = [];
      if (mode === 'per-consumer' && (ctx.env.api.consumers ?? []).length === 0)
        out.push(
          issue(
            ['costAllocation', 'applicationProfiles'],
            "application inference profiles per consumer, but api.consumers lists none, so every request would use the route's profile",
            { expected: 'consumers in api.consumers', fix: 'add the consumers, or set "per-route"' },
          ),
        );
      const bedrock = modelsInUse(ctx).filter(({ model }) => model.hosting.type === 'bedrock');
      if (bedrock.length === 0)
        out.push(
          issue(
            ['costAllocation', 'applicationProfiles'],
            `cost allocation is "${mode}", but no route here calls a Bedrock model, so no profile would be made`,
            { severity: 'warning', fix: 'remove costAllocation, or set "off"' },
          ),
        );
      return out;
    },
  },
  {
    id: 'consumer-limits',
    summary: "a consumer's limits name routes the environment serves and models its routes can call, soft below hard",
    environment: consumerLimitIssues,
  },
];
