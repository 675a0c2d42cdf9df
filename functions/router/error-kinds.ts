/**
 * Error kinds: the one vocabulary for why a model call failed, shared with the Step Functions
 * workflows (they write the same names into the circuit table's `lastErrorKind`).
 *
 * | kind             | from (Bedrock / SageMaker / local)                          | router action              |
 * |------------------|-------------------------------------------------------------|----------------------------|
 * | throttled        | ThrottlingException, ModelNotReadyException, 429            | retry with backoff, fall back |
 * | unavailable      | ServiceUnavailableException, InternalServerException, 5xx   | retry with backoff, fall back |
 * | timeout          | ModelTimeoutException, our per-attempt abort                | fall back                  |
 * | model-error      | ModelErrorException, SageMaker ModelError                   | fall back                  |
 * | quota            | ServiceQuotaExceededException                               | fall back                  |
 * | context-length   | ValidationException about input length                      | fall back (larger context) |
 * | invalid-request  | ValidationException (other)                                 | caller's fault: 4xx        |
 * | access-denied    | AccessDeniedException                                       | alert, fall back           |
 * | not-found        | ResourceNotFoundException                                   | alert, fall back           |
 * | unknown          | anything else                                               | fall back                  |
 */
export const ERROR_KINDS = [
  'throttled',
  'unavailable',
  'timeout',
  'model-error',
  'quota',
  'context-length',
  'invalid-request',
  'access-denied',
  'not-found',
  'unknown',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What the retry loop does with a failed attempt. */
export type ErrorAction = 'retry' | 'fallback' | 'caller-fault';

export const ERROR_ACTIONS: Readonly<Record<ErrorKind, ErrorAction>> = {
  throttled: 'retry',
  unavailable: 'retry',
  timeout: 'fallback',
  'model-error': 'fallback',
  quota: 'fallback',
  'context-length': 'fallback',
  'invalid-request': 'caller-fault',
  'access-denied': 'fallback',
  'not-found': 'fallback',
  unknown: 'fallback',
};

/** Kinds that are configuration faults: logged as alerts. */
export const CONFIGURATION_FAULTS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['access-denied', 'not-found']);

/** Kinds that count toward a circuit breaker (the caller's own mistakes and context length do not). */
export const CIRCUIT_FAILURES: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['throttled', 'unavailable', 'timeout', 'model-error', 'quota', 'access-denied', 'not-found', 'unknown']);

const BY_NAME: Readonly<Record<string, ErrorKind>> = {
  ThrottlingException: 'throttled',
  ModelNotReadyException: 'throttled',
  TooManyRequestsException: 'throttled',
  ServiceUnavailableException: 'unavailable',
  ServiceUnavailable: 'unavailable',
  InternalDependencyException: 'unavailable',
  InternalStreamFailure: 'unavailable',
  InternalServerException: 'unavailable',
  InternalFailure: 'unavailable',
  ModelTimeoutException: 'timeout',
  TimeoutError: 'timeout',
  AbortError: 'timeout',
  ModelErrorException: 'model-error',
  ModelError: 'model-error',
  ServiceQuotaExceededException: 'quota',
  AccessDeniedException: 'access-denied',
  ResourceNotFoundException: 'not-found',
  ValidationException: 'invalid-request',
  ValidationError: 'invalid-request',
};

const CONTEXT_LENGTH = /input is too long|too many (input )?tokens|context (length|window)|maximum context|prompt is too long|exceeds? the maximum/i;

/** Classifies an error thrown by an SDK call (or our own abort) by its name, message and status. */
export function classifyError(err: unknown): ErrorKind {
  if (!(err instanceof Error)) return 'unknown';
  const byName = BY_NAME[err.name];
  if (byName === 'invalid-request') return CONTEXT_LENGTH.test(err.message) ? 'context-length' : 'invalid-request';
  if (byName !== undefined) return byName;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'unavailable';
  if ((err as { code?: string }).code === 'ECONNREFUSED' || (err as { code?: string }).code === 'ECONNRESET') return 'unavailable';
  return 'unknown';
}
