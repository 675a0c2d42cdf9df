import type { RoutingTable } from '../../contracts/routing-table';
import { ForbiddenError } from './errors';
import type { RouterRequest } from './request';
import { invalid, objectAt, oneOfAt, stringAt } from './validation';

/**
 * Converse's `guardrailConfig` on the router, within what the route allows: the guardrail is the
 * route's (the catalog decides it, and IAM grants only it), so a request may name that guardrail
 * (or leave it out) and choose its `trace`; naming another, or one on a route without a guardrail,
 * is refused (403 guardrail_not_allowed) before any model is called.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConfiguration.html
 */
export interface RequestedGuardrail {
  readonly guardrailIdentifier?: string;
  readonly guardrailVersion?: string;
  readonly trace?: 'enabled' | 'disabled' | 'enabled_full';
}

const TRACES = ['enabled', 'disabled', 'enabled_full'] as const;

export function requestedGuardrail(value: unknown): RequestedGuardrail | undefined {
  if (value === undefined) return undefined;
  const g = objectAt(value, 'guardrailConfig');
  for (const k of Object.keys(g))
    if (!['guardrailIdentifier', 'guardrailVersion', 'trace'].includes(k))
      invalid('guardrailConfig', `has an unknown key "${k}" (expected guardrailIdentifier, guardrailVersion, trace)`);
  return {
    ...(g.guardrailIdentifier !== undefined
      ? { guardrailIdentifier: stringAt(g.guardrailIdentifier, 'guardrailConfig.guardrailIdentifier') }
      : {}),
    ...(g.guardrailVersion !== undefined
      ? { guardrailVersion: stringAt(g.guardrailVersion, 'guardrailConfig.guardrailVersion') }
      : {}),
    ...(g.trace !== undefined ? { trace: oneOfAt(g.trace, 'guardrailConfig.trace', TRACES) } : {}),
  };
}

/** Refuses a request guardrail the route does not have. */
export function checkGuardrail(table: RoutingTable, routeId: string, request: RouterRequest): void {
  const wanted = request.guardrailConfig;
  if (wanted === undefined) return;
  const route = Object.prototype.hasOwnProperty.call(table.routes, routeId) ? table.routes[routeId] : undefined;
  if (route === undefined) return; // the route lookup answers 404 next
  const own = route.guardrail;
  const names = (g: RequestedGuardrail) => g.guardrailIdentifier !== undefined || g.guardrailVersion !== undefined;
  if (own === undefined) {
    if (names(wanted))
      throw new ForbiddenError(
        `route "${routeId}" has no guardrail; a request cannot add one`,
        'guardrail_not_allowed',
      );
    if (wanted.trace !== undefined)
      invalid('guardrailConfig.trace', `needs a guardrail, and route "${routeId}" has none`);
    return;
  }
  const idOk = wanted.guardrailIdentifier === undefined || isSame(wanted.guardrailIdentifier, own.id);
  const versionOk = wanted.guardrailVersion === undefined || wanted.guardrailVersion === own.version;
  if (!idOk || !versionOk)
    throw new ForbiddenError(
      `route "${routeId}" applies its own guardrail (${own.id} version ${own.version}); a request cannot choose another`,
      'guardrail_not_allowed',
    );
}

/** A guardrail named by id or by ARN (…:guardrail/<id>). */
const isSame = (given: string, id: string): boolean => given === id || given.endsWith(`:guardrail/${id}`);
