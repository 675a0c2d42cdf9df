/**
 * What the router's Lambda package holds. modules/router writes the zip (the bundle of
 * functions/router/index.ts and the baked routing table) and points the function's handler at
 * it; the router reads the baked table beside its own bundle at a cold start when AppConfig
 * cannot be reached.
 */
export const ROUTER_PACKAGE = {
  /** The bundle, whose export `handler` Lambda calls. */
  bundle: 'index.js',
  /** Its source map (the function runs with --enable-source-maps). */
  sourceMap: 'index.js.map',
  /** The baked last-known-good routing table. */
  bakedRoutingTable: 'routing-table.json',
} as const;

/** The Lambda handler setting: the bundle's file name without `.js`, then the export. */
export const ROUTER_HANDLER = `${ROUTER_PACKAGE.bundle.replace(/\.js$/, '')}.handler`;

/** The streaming entry of the same bundle (`streamingHandler`, wrapped with awslambda.streamifyResponse), for a function invoked with response streaming. */
export const ROUTER_STREAMING_HANDLER = `${ROUTER_PACKAGE.bundle.replace(/\.js$/, '')}.streamingHandler`;
