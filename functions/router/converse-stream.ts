import type { StreamEvent } from './backends/stream';
import { errorType, type RouterError } from './errors';
import type { ResponseSink } from './response-sink';
import type { RoutingRecord } from './routing-record';
import type { StreamWriter } from './streaming';

/**
 * `POST /v1/routes/{route}/converse-stream`: the Converse stream as JSON lines
 * (`application/x-ndjson`), one ConverseStream event per line in Bedrock's own union shape
 * (`{"messageStart":{...}}`, `{"contentBlockDelta":{...}}`, ..., `{"metadata":{...}}`), then
 * `{"routing":{...}}` last. A failure after the first line is Bedrock's own stream exception,
 * `{"modelStreamErrorException":{"message","code","type","requestId"}}`, then the routing line.
 * JSON lines rather than SSE: every line is an event object a Converse client already knows, read
 * with any line reader; errors before the first event are whole JSON errors with their status.
 */
export const CONVERSE_STREAM_CONTENT_TYPE = 'application/x-ndjson';

export function converseStreamWriter(sink: ResponseSink, requestId: string): StreamWriter {
  const line = (value: unknown): void => sink.write(`${JSON.stringify(value)}\n`);
  return {
    closed: sink.closed,
    open(_modelId, headers) {
      sink.start(200, { 'content-type': CONVERSE_STREAM_CONTENT_TYPE, 'x-request-id': requestId, ...headers });
    },
    event(e: StreamEvent) {
      line(e);
    },
    end(_answer, routing: RoutingRecord) {
      line({ routing });
      sink.end();
    },
    fail(err: RouterError, id: string, routing: RoutingRecord) {
      line({
        modelStreamErrorException: { message: err.message, code: err.code, type: errorType(err.status), requestId: id },
      });
      line({ routing });
      sink.end();
    },
  };
}
