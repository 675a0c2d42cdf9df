import { ERROR_ACTIONS, type ErrorKind } from '../contracts/error-kinds';

/**
 * The one table from the error names a Step Functions task surfaces to the router's ErrorKinds.
 * It drives every Retry list, every Catch list and the `lastErrorKind` written to the circuit table.
 *
 * | source                            | names                                                   | what AWS documents |
 * |-----------------------------------|---------------------------------------------------------|--------------------|
 * | `bedrock:invokeModel` (optimized) | `Bedrock.<Exception>` (the Bedrock Runtime exception)   | no error-name form: the integration's page lists its APIs and request fields only (https://docs.aws.amazon.com/step-functions/latest/dg/connect-bedrock.html). The prefix is pinned here and not relied on: see below |
 * | AWS SDK integrations              | `<ServiceName>.<Exception>`, both PascalCase, always with the `Exception` suffix (`BedrockRuntime.ThrottlingException` for `aws-sdk:bedrockruntime:*`) | documented (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html); the workflows use no SDK integration |
 * | `lambda:invoke` (optimized)       | `Lambda.<Exception>`                                    | documented (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html) |
 * | the router's JSON error answer    | `Router.<error.code>` (built by the workflow itself)    | ours: functions/router/errors.ts codes |
 * | Step Functions itself             | `States.Timeout`, `States.Permissions`                  | documented (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html) |
 *
 * Because the Bedrock form is undocumented, a Bedrock call does not depend on it: after the
 * catchers of the names below it catches `States.TaskFailed` (in a Catch, every task error but
 * `States.Timeout`, same page) and classifies the error by its Bedrock Runtime exception name
 * (BEDROCK_EXCEPTIONS), found at the end of `Error` whatever its prefix, or in `Cause`. So a wrong
 * prefix costs the Retry (the retriers can match names only) but not the error's kind: the call
 * still falls back, records its kind, or stops as the caller's fault. Anything still unmatched is
 * caught by the last catcher (`States.ALL`) or the classification's default as `unknown`.
 * `ValidationException` is not split into context-length and invalid-request here (only its
 * message, worded by each model, tells them apart), so it is an invalid request: the caller's
 * fault, no fallback.
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

/** The pinned prefix of the optimized Bedrock integration's error names. */
const BEDROCK_PREFIX = 'Bedrock.';

/** The Bedrock Runtime exceptions of the table, without a prefix, each with its kind (table order). */
export const BEDROCK_EXCEPTIONS: readonly { readonly exception: string; readonly kind: ErrorKind }[] = Object.entries(
  STEP_FUNCTIONS_ERROR_KINDS,
)
  .filter(([name]) => name.startsWith(BEDROCK_PREFIX))
  .map(([name, kind]) => ({ exception: name.slice(BEDROCK_PREFIX.length), kind }));

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
