import type { ErrorKind } from '../../contracts/error-kinds';
import type { AttemptRecord } from './routing-record';

/**
 * Every error the router throws, in one place. Those that reach a caller extend RouterError (a
 * status and a stable, documented code) and `errorResponse` maps them to HTTP; the others stay
 * inside the router (a backend's unreadable answer, a failed read of the routing table).
 */
/** Base of the errors the router answers with; `code` is the stable, documented error code. */
export abstract class RouterError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends RouterError {
  readonly status = 400;
  readonly code: string;
  /** The request field at fault (`messages[0].content`), as OpenAI's error `param`. */
  readonly param?: string;
  constructor(message: string, code = 'invalid_request', options?: ErrorOptions & { readonly param?: string }) {
    super(message, options);
    this.code = code;
    this.param = options?.param;
  }
}

export class UnsupportedMediaTypeError extends RouterError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export class PayloadTooLargeError extends RouterError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class NotFoundError extends RouterError {
  readonly status = 404;
  readonly code: string;
  constructor(message: string, code = 'not_found', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The request asks for something the route does not allow (another guardrail than the route's). */
export class ForbiddenError extends RouterError {
  readonly status = 403;
  readonly code: string;
  constructor(message: string, code = 'forbidden', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class MethodNotAllowedError extends RouterError {
  readonly status = 405;
  readonly code = 'method_not_allowed';
}

/** No candidate of the route can take the request (context window, modality, all circuits open). */
export class NoCandidateError extends RouterError {
  readonly status = 422;
  readonly code = 'no_candidate';
}

/** A request that reached the models and failed there: it carries the attempts made, for the answer and the log. */
export abstract class InvocationError extends RouterError {
  constructor(
    message: string,
    readonly attempts: readonly AttemptRecord[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The model refused the request as invalid (a ValidationException that is not about length). */
export class ModelRejectedRequestError extends InvocationError {
  readonly status = 400;
  readonly code = 'model_rejected_request';
}

/** Every candidate failed or the latency budget ran out. */
export class AllCandidatesFailedError extends InvocationError {
  readonly code: string;
  readonly status: number;
  constructor(
    message: string,
    attempts: readonly AttemptRecord[],
    readonly lastKind: ErrorKind | 'budget',
    options?: ErrorOptions,
    /** Seconds to wait before a retry can succeed (the Retry-After header of a 429), when known at creation. */
    retryAfterSeconds?: number,
  ) {
    super(message, attempts, options);
    this.retryAfterSeconds = retryAfterSeconds;
    this.code =
      lastKind === 'budget'
        ? 'latency_budget_exceeded'
        : lastKind === 'throttled'
          ? 'all_candidates_throttled'
          : 'all_candidates_failed';
    this.status = lastKind === 'budget' ? 504 : lastKind === 'throttled' ? 429 : 503;
  }

  /**
   * Seconds until a candidate may answer again, for Retry-After: the throttles' value when the error
   * was created with one, else the circuits' cool-down, computed by the caller that knows the candidates.
   */
  retryAfterSeconds?: number;
}

/**
 * A consumer's limit refuses the request (contracts/spend.ts): 429 with the limit's stable code,
 * Retry-After (the time until the window resets) and OpenAI's rate-limit headers. Nothing was
 * charged: every reservation the request had made is given back before this is thrown.
 */
export class LimitExceededError extends RouterError {
  readonly status = 429;
  constructor(
    message: string,
    readonly code: string,
    /** OpenAI's error type: `insufficient_quota` for a budget, `tokens` or `requests` for a rate. */
    readonly type: string,
    readonly retryAfterSeconds: number,
    readonly headers: Readonly<Record<string, string>>,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No routing table at all: AppConfig gave none and there is no baked copy. */
export class RoutingTableUnavailableError extends RouterError {
  readonly status = 503;
  readonly code = 'routing_table_unavailable';
}

/**
 * A backend's own failure, as opposed to an error of the SDK it calls (those are classified by
 * name and status): it states its kind, so the retry loop needs no guess.
 */
export abstract class BackendError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The model answered, but not with something the backend can read (no JSON, no generated text): a model error. */
export class ModelOutputError extends BackendError {
  readonly kind = 'model-error';
}

/**
 * A read of the routing table from the AppConfig extension that gave no table. `code` is the
 * stable error code the router logs it under (an alarm or a log query can match it); "not found"
 * and "could not fetch" are apart because only the second heals by itself.
 */
export abstract class RoutingTableFetchError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The extension answered 404 (its ResourceNotFoundException): the application, environment or
 * configuration profile in the URL does not exist. A configuration fault that waiting does not
 * fix, so it is an alert.
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-OpenAPI.html
 */
export class RoutingTableNotFoundError extends RoutingTableFetchError {
  readonly code = 'routing_table_not_found';
}

/** The extension could not be asked or did not answer with a table: connection refused, timeout, 5xx or another status. */
export class RoutingTableUnreachableError extends RoutingTableFetchError {
  readonly code = 'routing_table_unreachable';
  constructor(
    message: string,
    url: string,
    /** The extension's HTTP status; undefined when it did not answer at all. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, url, options);
  }
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** OpenAI's error type (invalid_request_error, rate_limit_error, server_error ...), from the status. */
    readonly type: string;
    /** The request field at fault, or null (OpenAI's `param`). */
    readonly param: string | null;
    readonly requestId: string;
    readonly attempts?: readonly AttemptRecord[];
  };
}

/**
 * OpenAI's error type of a status (the openai client picks its error class by status; the type is
 * what a caller's code and logs read): https://platform.openai.com/docs/guides/error-codes
 */
export function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Retry-After (seconds) when 429 and 503 know their cool-down; 1 s otherwise, so a client waits instead of hammering. */
function retryAfter(err: RouterError): Record<string, string> {
  if (err.status !== 429 && err.status !== 503) return {};
  if (err instanceof LimitExceededError)
    return { ...err.headers, 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds))) };
  const seconds = err instanceof AllCandidatesFailedError ? (err.retryAfterSeconds ?? 1) : 1;
  return { 'retry-after': String(Math.max(1, Math.ceil(seconds))) };
}

/** The one mapping from errors to HTTP: known RouterErrors keep their status; anything else is a 500 with no detail. */
export function errorResponse(
  err: unknown,
  requestId: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof RouterError) {
    const attempts = err instanceof InvocationError ? err.attempts : undefined;
    const param = err instanceof BadRequestError ? (err.param ?? null) : null;
    return {
      status: err.status,
      body: {
        error: {
          code: err.code,
          message: err.message,
          type: err instanceof LimitExceededError ? err.type : errorType(err.status),
          param,
          requestId,
          ...(attempts ? { attempts } : {}),
        },
      },
      headers: retryAfter(err),
    };
  }
  return {
    status: 500,
    body: {
      error: { code: 'internal_error', message: 'internal error', type: 'server_error', param: null, requestId },
    },
    headers: {},
  };
}
