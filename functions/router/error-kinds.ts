import type { ErrorKind } from '../../contracts/error-kinds';

/**
 * How the router names a failed SDK call: by the exception names and HTTP statuses the Bedrock and
 * SageMaker Runtime clients throw, onto the kinds of contracts/error-kinds.ts (the workflows map
 * Step Functions' error names onto the same kinds themselves).
 */
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

const CONTEXT_LENGTH =
  /input is too long|too many (input )?tokens|context (length|window)|maximum context|prompt is too long|exceeds? the maximum/i;

/** Classifies an error thrown by an SDK call (or our own abort) by its name, message and status. */
export function classifyError(err: unknown): ErrorKind {
  if (!(err instanceof Error)) return 'unknown';
  const byName = BY_NAME[err.name];
  if (byName === 'invalid-request') return CONTEXT_LENGTH.test(err.message) ? 'context-length' : 'invalid-request';
  if (byName !== undefined) return byName;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'unavailable';
  if ((err as { code?: string }).code === 'ECONNREFUSED' || (err as { code?: string }).code === 'ECONNRESET')
    return 'unavailable';
  return 'unknown';
}
