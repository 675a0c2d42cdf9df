import { join } from 'node:path';
import { ROUTER_ENV, ROUTER_LOCAL_ENV, ROUTER_OPTIONAL_ENV } from '../../contracts/router-env';
import { ROUTER_PACKAGE } from '../../contracts/router-package';

/**
 * The one place the router reads environment variables (their names: contracts/router-env.ts; the
 * AWS SDK also reads its own: AWS_REGION, credentials, and AWS_ENDPOINT_URL_<SERVICE>, which is how
 * tests and `npm run dev` point the real clients at local servers).
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
  /** FM_CACHE_TABLE: the DynamoDB response-cache table; empty where no route caches. */
  readonly cacheTable: string;
  /** FM_SPEND_TABLE: the DynamoDB spend ledger; empty where no consumer has limits. */
  readonly spendTable: string;
  /** AWS_REGION: the Lambda's Region. */
  readonly region: string;
  /** The baked last-known-good table: routing-table.json beside the bundle (FM_BAKED_ROUTING_TABLE overrides). */
  readonly bakedTablePath: string;
  /** FM_DEPLOYED_TARGETS as the stack wrote it (JSON), or undefined: targets the baked copy lacks. */
  readonly deployedTargetsJson?: string;
}

const DEFAULT_POLL_SECONDS = 45;

/** Builds the extension URL; FM_APPCONFIG_URL (a base such as http://127.0.0.1:4000) or AWS_APPCONFIG_EXTENSION_HTTP_PORT override localhost:2772. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): RouterEnv {
  const base =
    env[ROUTER_LOCAL_ENV.appConfigUrl] ?? `http://localhost:${env[ROUTER_LOCAL_ENV.appConfigPort] ?? '2772'}`;
  const part = (name: string): string => encodeURIComponent(env[name] ?? '');
  const poll = Number(env[ROUTER_ENV.pollIntervalSeconds] ?? DEFAULT_POLL_SECONDS);
  return {
    environment: env[ROUTER_ENV.environment] ?? 'unknown',
    appConfigUrl: `${base.replace(/\/$/, '')}/applications/${part(ROUTER_ENV.appConfigApplication)}/environments/${part(ROUTER_ENV.appConfigEnvironment)}/configurations/${part(ROUTER_ENV.appConfigProfile)}`,
    pollIntervalMs: (Number.isFinite(poll) && poll >= 0 ? poll : DEFAULT_POLL_SECONDS) * 1000,
    circuitTable: env[ROUTER_ENV.circuitTable] ?? '',
    cacheTable: env[ROUTER_ENV.cacheTable] ?? '',
    spendTable: env[ROUTER_ENV.spendTable] ?? '',
    region: env.AWS_REGION ?? 'us-east-1',
    bakedTablePath: env[ROUTER_LOCAL_ENV.bakedRoutingTable] ?? join(__dirname, ROUTER_PACKAGE.bakedRoutingTable),
    ...(env[ROUTER_OPTIONAL_ENV.deployedTargets]
      ? { deployedTargetsJson: env[ROUTER_OPTIONAL_ENV.deployedTargets] }
      : {}),
  };
}
