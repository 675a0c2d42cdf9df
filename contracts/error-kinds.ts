/**
 * Error kinds: the one vocabulary for why a model call failed.
 *
 * Written by the router (functions/router classifies SDK errors into these kinds and records them
 * in the circuit table's `lastErrorKind`) and by the resilience workflows (workflows/ map the error
 * names Step Functions surfaces onto the same kinds and write the same attribute); read by both to
 * decide whether to retry, fall back or answer the caller's fault.
 *
 * | kind             | from (Bedrock / SageMaker / local)                          | router action              |
 * |------------------|-------------------------------------------------------------|----------------------------|
 * | throttled        | ThrottlingException, ModelNotReadyException, 429            | retry with backoff, fall back |
 * | unavailable      | ServiceUnavailableException, InternalServerException, 5xx   | retry with backoff, fall back |
 * | timeout          | ModelTimeoutException, our per-attempt abort                | fall back                  |
 * | model-error      | ModelErrorException, SageMaker ModelError, ModelStreamError | fall back                  |
 * | quota            | ServiceQuotaExceededException                               | fall back                  |
 * | context-length   | ValidationException about input length                      | fall back (larger context) |
 * | invalid-request  | ValidationException (other)                                 | next candidate once; 4xx when every candidate rejects |
 * | access-denied    | AccessDeniedException; ValidationException about model access | alert, fall back        |
 * | not-found        | ResourceNotFoundException; ValidationException naming the target (invalid identifier, on-demand throughput unsupported, end of life) | alert, fall back |
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
export const CIRCUIT_FAILURES: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'throttled',
  'unavailable',
  'timeout',
  'model-error',
  'quota',
  'access-denied',
  'not-found',
  'unknown',
]);
