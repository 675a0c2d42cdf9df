/**
 * Where a streamed answer goes: the status and headers once, then chunks, then the end. The Lambda
 * handler gives one over awslambda.HttpResponseStream (index.ts), the local gateway one over Node's
 * http.ServerResponse (sim/gateway.ts), tests one that records.
 */
export interface ResponseSink {
  start(status: number, headers: Record<string, string>): void;
  write(chunk: string): void;
  end(): void;
  /** Aborted when the caller goes away. */
  readonly closed?: AbortSignal;
}
