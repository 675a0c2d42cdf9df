import type { ErrorKind } from './error-kinds';
import type { AttemptRecord } from './routing-record';

/** Base of the errors the router answers with; `code` is the stable, documented error code. */
export abstract class RouterError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequestError extends RouterError {
  readonly status = 400;
  readonly code: string;
  constructor(message: string, code = 'invalid_request', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
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
  constructor(message: string, code = 'not_found') {
    super(message);
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

/** The model refused the request as invalid (a ValidationException that is not about length). */
export class ModelRejectedRequestError extends RouterError {
  readonly status = 400;
  readonly code = 'model_rejected_request';
  constructor(message: string, readonly attempts: readonly AttemptRecord[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Every candidate failed or the latency budget ran out. */
export class AllCandidatesFailedError extends RouterError {
  readonly code: string;
  readonly status: number;
  constructor(message: string, readonly attempts: readonly AttemptRecord[], readonly lastKind: ErrorKind | 'budget', options?: { cause?: unknown }) {
    super(message, options);
    this.code = lastKind === 'budget' ? 'latency_budget_exceeded' : lastKind === 'throttled' ? 'all_candidates_throttled' : 'all_candidates_failed';
    this.status = lastKind === 'budget' ? 504 : lastKind === 'throttled' ? 429 : 503;
  }
}

/** No routing table at all: AppConfig unreachable and no baked copy. */
export class RoutingTableUnavailableError extends RouterError {
  readonly status = 503;
  readonly code = 'routing_table_unavailable';
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId: string; readonly attempts?: readonly AttemptRecord[] };
}

/** The one mapping from errors to HTTP: known RouterErrors keep their status; anything else is a 500 with no detail. */
export function errorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof RouterError) {
    const attempts = err instanceof AllCandidatesFailedError || err instanceof ModelRejectedRequestError ? err.attempts : undefined;
    return { status: err.status, body: { error: { code: err.code, message: err.message, requestId, ...(attempts ? { attempts } : {}) } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'internal error', requestId } } };
}
