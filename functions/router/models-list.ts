import type { RoutingTable } from '../../contracts/routing-table';
import { NotFoundError } from './errors';
import type { JsonObject } from './validation';

/**
 * `GET /v1/models` and `GET /v1/models/{model}`: the routes in OpenAI's model-list shape, so
 * `client.models.list()` and chat UIs that list models first (Open WebUI, LibreChat) find the ids
 * they send as `model`. A route is what a caller names; the models behind it are in `fm_models`
 * (and in GET /v1/routes). https://platform.openai.com/docs/api-reference/models/object
 */
export const MODEL_OWNER = 'fm-platform';

/**
 * `created` (Unix seconds): the date of the catalog version the table was resolved from
 * (versions are `YYYY.MM.DD-n`), the day the routes took their current definition; 0 when the
 * version carries no date.
 */
export function catalogCreated(catalogVersion: string): number {
  const m = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(catalogVersion);
  if (!m) return 0;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

function modelObject(table: RoutingTable, id: string): JsonObject {
  const r = table.routes[id];
  return {
    id,
    object: 'model',
    created: catalogCreated(table.catalogVersion),
    owned_by: MODEL_OWNER,
    fm_models: [...new Set([r.target, ...r.rules.map((x) => x.target), ...r.fallbacks])],
  };
}

export function modelList(table: RoutingTable): JsonObject {
  return { object: 'list', data: Object.keys(table.routes).map((id) => modelObject(table, id)) };
}

/** One route as an OpenAI model; 404 model_not_found (OpenAI's code) when there is no such route. */
export function modelOf(table: RoutingTable, id: string): JsonObject {
  if (!Object.prototype.hasOwnProperty.call(table.routes, id))
    throw new NotFoundError(
      `The model '${id.slice(0, 200)}' does not exist (GET /v1/models lists the routes)`,
      'model_not_found',
    );
  return modelObject(table, id);
}
