import type { Writable } from 'node:stream';
import type { APIGatewayProxyEventLike } from './http-types';
import type { ResponseSink } from './response-sink';
import type { StreamingHandler } from './stream-app';

/**
 * Lambda response streaming (InvokeWithResponseStream, which API Gateway's STREAM transfer mode
 * and function URLs in RESPONSE_STREAM mode call): the managed Node.js runtimes provide a global
 * `awslambda` with `streamifyResponse` and `HttpResponseStream.from`, which writes the
 * `application/vnd.awslambda.http-integration-response` prelude (the status and headers as JSON,
 * then 8 NUL bytes) before the body. Outside Lambda (tests, Node 20 or 22 locally) the global is
 * absent: the handler is then a plain `(event, stream)` function and the same prelude is written by
 * the stand-in below, so one code path runs in both places.
 * https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html
 * https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/HttpResponseStream.js
 */
export interface HttpPrelude {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
}

/**
 * A Lambda function URL's event (payload format 2.0): the method and path sit under
 * requestContext.http and rawPath, not in httpMethod and path as in a REST API proxy event.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export interface FunctionUrlEventLike {
  readonly rawPath: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: { readonly requestId?: string; readonly http: { readonly method: string } };
}

type LambdaEvent = APIGatewayProxyEventLike | FunctionUrlEventLike;

/** The REST proxy shape the router reads, from either event. */
export function proxyEventOf(event: LambdaEvent): APIGatewayProxyEventLike {
  if (!('rawPath' in event)) return event;
  return {
    httpMethod: event.requestContext.http.method,
    path: event.rawPath,
    headers: event.headers ?? {},
    body: event.body ?? null,
    isBase64Encoded: event.isBase64Encoded,
    requestContext: { requestId: event.requestContext.requestId },
  };
}

type RawStreamingHandler = (event: LambdaEvent, responseStream: Writable) => Promise<void>;

export interface LambdaStreamingRuntime {
  streamifyResponse(handler: RawStreamingHandler): RawStreamingHandler;
  readonly HttpResponseStream: { from(stream: Writable, prelude: HttpPrelude): Writable };
}

export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** The runtime's HttpResponseStream.from, for where there is no runtime: the prelude, then 8 NUL bytes, before the first byte of the body. */
export function localHttpResponseStreamFrom(stream: Writable, prelude: HttpPrelude): Writable {
  (stream as Writable & { setContentType?: (type: string) => void }).setContentType?.(PRELUDE_CONTENT_TYPE);
  stream.write(JSON.stringify(prelude));
  stream.write(new Uint8Array(8));
  return stream;
}

/** A ResponseSink over a Lambda response stream. */
export function lambdaSink(
  responseStream: Writable,
  from: LambdaStreamingRuntime['HttpResponseStream']['from'],
): ResponseSink {
  let out: Writable = responseStream;
  const closed = new AbortController();
  responseStream.on('close', () => {
    if (!responseStream.writableFinished) closed.abort();
  });
  return {
    closed: closed.signal,
    start(statusCode, headers) {
      out = from(responseStream, { statusCode, headers });
    },
    write(chunk) {
      out.write(chunk);
    },
    end() {
      out.end();
    },
  };
}

/** The Lambda export of a streaming handler: wrapped by the runtime when there is one. */
/**
 * The runtime's streaming API, when this process has one. Not merely a global `awslambda`: the AWS
 * SDK's @aws/lambda-invoke-store sets `globalThis.awslambda ||= {}` in any process that loads it.
 */
export function lambdaRuntime(): LambdaStreamingRuntime | undefined {
  const g = (globalThis as { awslambda?: Partial<LambdaStreamingRuntime> }).awslambda;
  return typeof g?.streamifyResponse === 'function' && typeof g.HttpResponseStream?.from === 'function'
    ? (g as LambdaStreamingRuntime)
    : undefined;
}

export function lambdaStreamingHandler(
  handler: () => StreamingHandler,
  runtime: LambdaStreamingRuntime | undefined = lambdaRuntime(),
): RawStreamingHandler {
  const from: LambdaStreamingRuntime['HttpResponseStream']['from'] =
    runtime === undefined
      ? localHttpResponseStreamFrom
      : (stream, prelude) => runtime.HttpResponseStream.from(stream, prelude);
  const raw: RawStreamingHandler = (event, responseStream) =>
    handler()(proxyEventOf(event), lambdaSink(responseStream, from));
  return runtime ? runtime.streamifyResponse(raw) : raw;
}
