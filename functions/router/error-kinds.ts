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
  ModelStreamError: 'model-error',
  ServiceQuotaExceededException: 'quota',
  AccessDeniedException: 'access-denied',
  ResourceNotFoundException: 'not-found',
  ValidationException: 'invalid-request',
  ValidationError: 'invalid-request',
};

const CONTEXT_LENGTH =
  /input is too long|too many (input )?tokens|context (length|window)|maximum context|prompt is too long|exceeds? the maximum/i;

/**
 * ValidationExceptions that are the platform's fault, not the request's: Bedrock answers a wrong or
 * unusable target with a 400 ValidationException, whatever the request says. Each becomes the kind
 * of the configuration fault it is (fallback, counted for the circuit, logged as an alert), so a
 * misconfigured model is never blamed on the caller. The messages, as Bedrock sends them:
 * - identifier: "The provided model identifier is invalid."
 *   (https://github.com/aws-samples/amazon-bedrock-workshop/issues/315)
 * - throughput: "Invocation of model ID … with on-demand throughput isn’t supported. Retry your
 *   request with the ID or ARN of an inference profile that contains this model."
 *   (https://github.com/terricain/aioboto3/issues/352)
 * - access: "You don't have access to the model with the specified model ID." and "Model access is
 *   denied due to …" (usually an AccessDeniedException; matched under either name)
 *   (https://github.com/langgenius/dify/issues/2829)
 * - availability: "This model version has reached the end of its life.", "… is marked by provider as
 *   Legacy …", a model not available in the Region
 *   (https://github.com/gsd-build/gsd-2/issues/5425)
 * - SageMaker's ValidationError for an endpoint that does not exist: "Endpoint … of account … not found."
 */
const PLATFORM_VALIDATION: readonly { readonly fault: string; readonly kind: ErrorKind; readonly pattern: RegExp }[] = [
  {
    fault: 'model identifier',
    kind: 'not-found',
    pattern: /model identifier is invalid|invalid model identifier|model id(entifier)? (is )?(not valid|invalid)/i,
  },
  { fault: 'throughput', kind: 'not-found', pattern: /on-demand throughput isn.t supported|provisioned throughput/i },
  {
    fault: 'access',
    kind: 'access-denied',
    pattern: /(don.t|do not) have access to the model|model access is denied|not authorized to (perform|invoke)/i,
  },
  {
    fault: 'availability',
    kind: 'not-found',
    pattern:
      /end of (its )?life|marked by (the )?provider as legacy|(not (supported|available)|unavailable) in (this|the) region|model is not (currently )?available/i,
  },
  { fault: 'endpoint', kind: 'not-found', pattern: /(endpoint|inference component) \S+ (of account \S+ )?not found/i },
];

/** The platform fault a ValidationException names (see PLATFORM_VALIDATION), or undefined when it is about the request. */
export function platformValidationFault(err: unknown): { fault: string; kind: ErrorKind } | undefined {
  if (!(err instanceof Error) || !Object.hasOwn(BY_NAME, err.name) || BY_NAME[err.name] !== 'invalid-request')
    return undefined;
  const hit = PLATFORM_VALIDATION.find((p) => p.pattern.test(err.message));
  return hit && { fault: hit.fault, kind: hit.kind };
}

/** Classifies an error thrown by an SDK call (or our own abort) by its name, message and status. */
export function classifyError(err: unknown): ErrorKind {
  if (!(err instanceof Error)) return 'unknown';
  const byName = Object.hasOwn(BY_NAME, err.name) ? BY_NAME[err.name] : undefined;
  if (byName === 'invalid-request') {
    const platform = platformValidationFault(err);
    if (platform !== undefined) return platform.kind;
    return CONTEXT_LENGTH.test(err.message) ? 'context-length' : 'invalid-request';
  }
  if (byName !== undefined) return byName;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'unavailable';
  if ((err as { code?: string }).code === 'ECONNREFUSED' || (err as { code?: string }).code === 'ECONNRESET')
    return 'unavailable';
  return 'unknown';
}
