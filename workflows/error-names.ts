import { ERROR_ACTIONS, type ErrorKind } from '../functions/router/error-kinds';

/**
 * The one table from the error names a Step Functions task surfaces to the router's ErrorKinds.
 * It drives every Retry list, every Catch list and the `lastErrorKind` written to the circuit table.
 *
 * | source                                   | names                                                      | certainty |
 * |------------------------------------------|------------------------------------------------------------|-----------|
 * | `bedrock:invokeModel` (optimized)        | `Bedrock.<Exception>` (the Bedrock Runtime exception name) | UNCERTAIN: the prefix is pinned here, not verified in an account (AWS-FACTS D.2) |
 * | `lambda:invoke` (optimized)              | `Lambda.<Exception>`                                       | documented by AWS for the Lambda integration |
 * | the router's JSON error answer           | `Router.<error.code>` (built by the workflow itself)        | ours: functions/router/errors.ts codes |
 * | Step Functions itself                    | `States.Timeout`, `States.Permissions`                     | documented |
 *
 * Anything not listed is caught by the last catcher (`States.ALL`) as `unknown`.
 * `ValidationException` cannot be split into context-length and invalid-request here (ASL cannot
 * read the message), so it is an invalid request: the caller's fault, no fallback.
 */
export const STEP_FUNCTIONS_ERROR_KINDS: Readonly<Record<string, ErrorKind>> = {
  'Bedrock.ThrottlingException': 'throttled',
  'Bedrock.ModelNotReadyException': 'throttled',
  'Bedrock.ServiceUnavailableException': 'unavailable',
  'Bedrock.InternalServerException': 'unavailable',
  'Bedrock.ModelTimeoutException': 'timeout',
  'Bedrock.ModelErrorException': 'model-error',
  'Bedrock.ServiceQuotaExceededException': 'quota',
  'Bedrock.ValidationException': 'invalid-request',
  'Bedrock.AccessDeniedException': 'access-denied',
  'Bedrock.ResourceNotFoundException': 'not-found',
  'Lambda.TooManyRequestsException': 'throttled',
  'Lambda.ServiceException': 'unavailable',
  'Lambda.AWSLambdaException': 'unavailable',
  'Lambda.SdkClientException': 'unavailable',
  'Router.all_candidates_throttled': 'throttled',
  'Router.all_candidates_failed': 'unavailable',
  'Router.routing_table_unavailable': 'unavailable',
  'Router.latency_budget_exceeded': 'timeout',
  'Router.invalid_request': 'invalid-request',
  'Router.model_rejected_request': 'invalid-request',
  'States.Timeout': 'timeout',
  'States.Permissions': 'access-denied',
};

/** The ASL name of a DynamoDB conditional write that did not apply (optimized DynamoDB integration). */
export const CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';

/** Error names of one kind, in table order. */
export function errorNamesOf(kind: ErrorKind): string[] {
  return Object.entries(STEP_FUNCTIONS_ERROR_KINDS)
    .filter(([, k]) => k === kind)
    .map(([name]) => name);
}

/** Names a Retry retries: the kinds the router retries (throttled, unavailable). */
export function retryableErrorNames(): string[] {
  return Object.entries(STEP_FUNCTIONS_ERROR_KINDS)
    .filter(([, k]) => ERROR_ACTIONS[k] === 'retry')
    .map(([name]) => name);
}

/** The kinds that have at least one name in the table, in ERROR_KINDS order of first appearance. */
export function caughtKinds(): ErrorKind[] {
  return [...new Set(Object.values(STEP_FUNCTIONS_ERROR_KINDS))];
}

/** The kind of an error name; `unknown` when the table does not list it. */
export function kindOfErrorName(name: string): ErrorKind {
  return STEP_FUNCTIONS_ERROR_KINDS[name] ?? 'unknown';
}
