import { hostingKind } from '../../hosting';
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
        return first !== undefined && first !== i
          ? [
              issue(['models', i, 'id'], `model id "${m.id}" is used twice (also /models/${first})`, {
                fix: 'give each model its own id',
              }),
            ]
          : [];
      }),
      ...ctx.catalog.routes.flatMap((r, i) => {
        const first = ctx.routes.get(r.id)?.index;
        return first !== undefined && first !== i
          ? [
              issue(['routes', i, 'id'], `route id "${r.id}" is used twice (also /routes/${first})`, {
                fix: 'give each route its own id',
              }),
            ]
          : [];
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
          out.push(
            issue(
              ['routes', i, 'rules'],
              `static route "${route.id}" has ${rules.length} rules, which would never apply`,
              { fix: 'set "strategy": "content-based" or remove the rules' },
            ),
          );
        }
        if (route.strategy === 'content-based' && rules.length === 0) {
          out.push(
            issue(['routes', i, 'strategy'], `content-based route "${route.id}" has no rules`, {
              fix: 'add rules or set "strategy": "static"',
            }),
          );
        }
        rules.forEach((r, j) => {
          if (
            r.when.minInputTokens !== undefined &&
            r.when.maxInputTokens !== undefined &&
            r.when.minInputTokens > r.when.maxInputTokens
          ) {
            out.push(
              issue(
                ['routes', i, 'rules', j, 'when'],
                `rule "${r.name}" can never match: minInputTokens ${r.when.minInputTokens} > maxInputTokens ${r.when.maxInputTokens}`,
                { fix: 'swap or correct the bounds' },
              ),
            );
          }
        });
        const names = rules.map((r) => r.name);
        const dup = firstRepeat(names);
        if (dup)
          out.push(
            issue(
              ['routes', i, 'rules', dup.index, 'name'],
              `rule name "${dup.id}" is used twice in route "${route.id}"`,
              { fix: 'give each rule its own name' },
            ),
          );
        return out;
      }),
  },
  {
    id: 'pricing',
    summary: 'prices fit how the hosting bills (per token, or per instance-hour) and token limits make sense',
    catalog: (ctx, issue) =>
      ctx.catalog.models.flatMap((m, i) => {
        const p = m.pricing;
        const out: CatalogIssue[] = hostingKind(m.hosting).pricingIssues(m, (path, message, details) =>
          issue(['models', i, ...path], message, details),
        );
        if (p.inputPerMillionTokensUsd === 0 && p.outputPerMillionTokensUsd === 0) {
          out.push(
            issue(['models', i, 'pricing'], `model "${m.id}" is priced at 0 for input and output tokens`, {
              fix: 'enter the published prices',
            }),
          );
        }
        if (m.capabilities.maxOutputTokens > m.capabilities.contextWindowTokens) {
          out.push(
            issue(
              ['models', i, 'capabilities', 'maxOutputTokens'],
              `model "${m.id}" has maxOutputTokens ${m.capabilities.maxOutputTokens} above its context window of ${m.capabilities.contextWindowTokens}`,
              { fix: 'check both figures on the model card' },
            ),
          );
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
          const region = hostingKind(m.hosting).homeRegion(m.hosting);
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
          out.push(
            issue(['models', i, 'lifecycle', 'replacement'], `model "${m.id}" names itself as its replacement`, {
              fix: 'name another model',
            }),
          );
        } else if (l.replacement !== undefined && ctx.models.get(l.replacement)?.model.lifecycle.status === 'retired') {
          out.push(
            issue(
              ['models', i, 'lifecycle', 'replacement'],
              `the replacement of "${m.id}", "${l.replacement}", is itself retired`,
              { fix: `name the replacement's own replacement or another active model` },
            ),
          );
        }
        const dates = (['releasedOn', 'legacyOn', 'endOfLifeOn'] as const).flatMap((key) => {
          const date = l[key];
          return date === undefined ? [] : [{ key, date }];
        });
        for (let k = 1; k < dates.length; k++) {
          const [earlier, later] = [dates[k - 1], dates[k]];
          if (later.date < earlier.date) {
            out.push(
              issue(
                ['models', i, 'lifecycle', later.key],
                `${later.key} ${later.date} is before ${earlier.key} ${earlier.date}`,
                { expected: 'releasedOn <= legacyOn <= endOfLifeOn' },
              ),
            );
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
          out.push(
            issue(
              ['routes', i, 'resilience', 'attemptTimeoutMs'],
              `route "${route.id}": attemptTimeoutMs ${r.attemptTimeoutMs} exceeds latencyBudgetMs ${r.latencyBudgetMs}`,
              { fix: 'lower the attempt timeout or raise the budget' },
            ),
          );
        }
        if (r.backoff.baseMs > r.backoff.maxMs) {
          out.push(
            issue(
              ['routes', i, 'resilience', 'backoff'],
              `route "${route.id}": backoff baseMs ${r.backoff.baseMs} exceeds maxMs ${r.backoff.maxMs}`,
              { fix: 'make maxMs at least baseMs' },
            ),
          );
        }
        return out;
      }),
  },
];
