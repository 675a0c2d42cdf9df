import { pointerOf } from '../../catalog/issues';
import type { Model, ModelCatalog, Route } from '../../schemas/generated/model-catalog';
import type { Environment, RouteSelection } from '../../schemas/generated/environment';

/*
 * Fixtures edit the shipped catalog and environments by id, never by array index, so adding a
 * model or a route to the shipped files moves no fixture.
 */

function byId<T extends { id: string }>(items: readonly T[], id: string, what: string): T {
  const found = items.find((x) => x.id === id);
  if (found === undefined) throw new Error(`fixture: no ${what} "${id}" (${items.map((x) => x.id).join(', ')})`);
  return found;
}

export const modelById = (catalog: ModelCatalog, id: string): Model => byId(catalog.models, id, 'model');
export const routeById = (catalog: ModelCatalog, id: string): Route => byId(catalog.routes, id, 'route');
/** An environment's entry for a route. */
export const selectionById = (env: Environment, id: string): RouteSelection =>
  byId(env.routes, id, `route in ${env.name}`);

/** Replaces an environment's entry for a route (found by the new entry's id). */
export function replaceSelection(env: Environment, selection: RouteSelection): void {
  const index = env.routes.indexOf(selectionById(env, selection.id));
  env.routes[index] = selection;
}

/**
 * A segment of a path by id: a string stands for the element of an array whose `id` it is;
 * `{ id, occurrence }` for the n-th (1-based) element with that id, where a fixture makes two.
 */
export type IdSegment = string | number | { readonly id: string; readonly occurrence: number };

/**
 * The JSON Pointer of a path written with ids (`['models', 'nova-lite', 'pricing']`) in a document
 * as the fixture wrote it: each string met at an array becomes the index of the element of that id.
 */
export function pointerById(doc: unknown, path: readonly IdSegment[]): string {
  const resolved: (string | number)[] = [];
  let node: unknown = doc;
  for (const segment of path) {
    let key: string | number;
    if (Array.isArray(node) && typeof segment !== 'number') {
      const { id, occurrence } = typeof segment === 'string' ? { id: segment, occurrence: 1 } : segment;
      const indexes = node.flatMap((x: unknown, i) =>
        x !== null && typeof x === 'object' && (x as { id?: unknown }).id === id ? [i] : [],
      );
      if (typeof segment === 'string' && indexes.length > 1)
        throw new Error(
          `fixture: "${id}" names ${indexes.length} elements at ${pointerOf(resolved)}; say which occurrence`,
        );
      key = indexes[occurrence - 1] ?? -1;
      if (key < 0) throw new Error(`fixture: no element "${id}" (occurrence ${occurrence}) at ${pointerOf(resolved)}`);
    } else {
      if (typeof segment === 'object')
        throw new Error(`fixture: ${JSON.stringify(segment)} at ${pointerOf(resolved)} is not in an array`);
      key = segment;
    }
    resolved.push(key);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return pointerOf(resolved);
}
