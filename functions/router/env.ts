import { join } from 'node:path';

/**
 * The one place the router reads environment variables (the AWS SDK also reads its own:
 * AWS_REGION, credentials, and AWS_ENDPOINT_URL_<SERVICE>, which is how tests and `npm run dev`
 * point the real clients at local servers).
 */
export interface RouterEnv {
  /** FM_ENVIRONMENT: the environment name, a metric dimension. */
  readonly environment: string;
  /** The AppConfig extension URL of the routing table, from FM_APPCONFIG_* and the port. */
  readonly appConfigUrl: string;
  /** AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS (default 45, the extension's own default). */
  readonly pollIntervalMs: number;
  /** FM_CIRCUIT_TABLE: the DynamoDB circuit table; empty turns the shared breaker off. */
  readonly circuitTable: string;
  /** AWS_REGION: the Lambda's Region. */
  readonly region: string;
  /** The baked last-known-good table: routing-table.json beside the bundle (FM_BAKED_ROUTING_TABLE overrides). */
  readonly bakedTablePath: string;
}

const DEFAULT_POLL_SECONDS = 45;

/** The file beside the bundle holding the baked routing table; the stack writes it into the package. */
export const BAKED_ROUTING_TABLE_FILE = 'routing-table.json';

/** Builds the extension URL; FM_APPCONFIG_URL (a base such as http://127.0.0.1:4000) or AWS_APPCONFIG_EXTENSION_HTTP_PORT override localhost:2772. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): RouterEnv {
  const base = env.FM_APPCONFIG_URL ?? `http://localhost:${env.AWS_APPCONFIG_EXTENSION_HTTP_PORT ?? '2772'}`;
  const part = (name: string): string => encodeURIComponent(env[name] ?? '');
  const poll = Number(env.AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS ?? DEFAULT_POLL_SECONDS);
  return {
    environment: env.FM_ENVIRONMENT ?? 'unknown',
    appConfigUrl: `${base.replace(/\/$/, '')}/applications/${part('FM_APPCONFIG_APPLICATION')}/environments/${part('FM_APPCONFIG_ENVIRONMENT')}/configurations/${part('FM_APPCONFIG_PROFILE')}`,
    pollIntervalMs: (Number.isFinite(poll) && poll >= 0 ? poll : DEFAULT_POLL_SECONDS) * 1000,
    circuitTable: env.FM_CIRCUIT_TABLE ?? '',
    region: env.AWS_REGION ?? 'us-east-1',
    bakedTablePath: env.FM_BAKED_ROUTING_TABLE ?? join(__dirname, BAKED_ROUTING_TABLE_FILE),
  };
}
