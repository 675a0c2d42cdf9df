/**
 * What the API-key authorizer (functions/authorizer) is configured with, written by modules/api at
 * deploy time into the function's environment (encrypted at rest with the environment's KMS key).
 *
 * Only SHA-256 hashes of the consumers' bearer keys are here (the environment file's
 * `api.consumers[].keys`), never a key. `usageKey` is the value of the consumer's API Gateway API key
 * (Terraform's `aws_api_gateway_api_key.value`), returned as `usageIdentifierKey` so the consumer's
 * usage plan and throttle apply. With `api_key_source = AUTHORIZER` that value is only an identifier:
 * API Gateway no longer reads it from a request header, so it admits no one by itself.
 */
export const AUTHORIZER_CONSUMERS_ENV = 'FM_AUTH_CONSUMERS';

export interface AuthorizerConsumer {
  /** The consumer team (contracts/consumer.ts: written to the authorizer context). */
  readonly name: string;
  /** Its API Gateway API key value (the usage identifier). */
  readonly usageKey: string;
  /** Lower-case hex SHA-256 of each key the team may use. */
  readonly keyHashes: readonly string[];
  /** Lower-case hex SHA-256 of each key the team had and that is revoked: refused. */
  readonly revokedHashes: readonly string[];
}

/** Lower-case hex SHA-256 of a key, as the environment file and the authorizer write it. */
export const KEY_HASH_PATTERN = /^[0-9a-f]{64}$/;
