/**
 * The router's environment variables. The stack writes ROUTER_ENV onto the Lambda function
 * (modules/router); the router reads them (functions/router/env.ts); the simulators, the dev
 * gateway, the benchmarks and the tests set them, and ROUTER_LOCAL_ENV too, to run the router
 * against local servers. Renaming one is a change on both sides, made here.
 */
export const ROUTER_ENV = {
  /** The environment name, a metric dimension. */
  environment: 'FM_ENVIRONMENT',
  /** AppConfig application, environment and configuration profile names of the routing table. */
  appConfigApplication: 'FM_APPCONFIG_APPLICATION',
  appConfigEnvironment: 'FM_APPCONFIG_ENVIRONMENT',
  appConfigProfile: 'FM_APPCONFIG_PROFILE',
  /** The DynamoDB circuit table; empty turns the shared breaker off. */
  circuitTable: 'FM_CIRCUIT_TABLE',
  /** The DynamoDB response-cache table; set only where some route caches (empty: no route's answers are cached). */
  cacheTable: 'FM_CACHE_TABLE',
  /** The DynamoDB spend ledger; set only where some consumer has limits (empty: no limit is enforced). */
  spendTable: 'FM_SPEND_TABLE',
  /** The AppConfig extension's own poll interval, which the router's table getter follows too. */
  pollIntervalSeconds: 'AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS',
} as const;

/** Variables the stack sets only on some environments' routers. */
export const ROUTER_OPTIONAL_ENV = {
  /**
   * Routing-table targets known only after apply, as JSON `{"<model id>": [{"region", "id"}]}` (a
   * Bedrock custom model's provisioned model ARN): the router writes them over the baked copy's
   * targets, which were resolved before the ARN existed. The table from AppConfig already has them.
   */
  deployedTargets: 'FM_DEPLOYED_TARGETS',
} as const;

/** Variables the stack never sets: they point a router outside Lambda at local stand-ins. */
export const ROUTER_LOCAL_ENV = {
  /** A base URL such as http://127.0.0.1:4000 instead of the extension on localhost. */
  appConfigUrl: 'FM_APPCONFIG_URL',
  /** The extension's port on localhost (the extension's own setting; 2772 when unset). */
  appConfigPort: 'AWS_APPCONFIG_EXTENSION_HTTP_PORT',
  /** A path instead of the baked routing table beside the bundle. */
  bakedRoutingTable: 'FM_BAKED_ROUTING_TABLE',
} as const;

/** The variable names the stack sets on the router function. */
export type RouterEnvName = (typeof ROUTER_ENV)[keyof typeof ROUTER_ENV];
