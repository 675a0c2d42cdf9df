import { randomUUID } from 'node:crypto';
import { API_OPERATIONS, pathPattern } from '../../contracts/http-api';
import { createHandler, requireMethod } from './app';
import { converseStreamWriter } from './converse-stream';
import { checkGuardrail } from './guardrail';
import { NotFoundError, errorResponse } from './errors';
import { jsonBody } from './http';
import type { APIGatewayProxyEventLike } from './http-types';
import { log } from './log';
import { chatCompletionRequest } from './openai';
import { openAiStreamWriter } from './openai/stream';
import { checkedBackends } from './openai/structured';
import { wholeAnswerStream } from './backends/stream';
import { streamCached } from './cache';
import { consumerOf } from './consumer';
import { streamWithinLimits } from './spend';
import { converseRequest } from './request';
import type { ResponseSink } from './response-sink';
import { serveStream, type StreamingDeps } from './streaming';
import { isObject } from './validation';

/** A handler that writes its answer to a sink: streams where the request asks for one, whole answers otherwise. */
export type StreamingHandler = (event: APIGatewayProxyEventLike, sink: ResponseSink) => Promise<void>;

const CONVERSE_STREAM_PATH = pathPattern('converseStream');
const CHAT_PATH = pathPattern('chatCompletions');

/** A sink that remembers whether it has started (after that an error can only end the stream). */
function tracked(sink: ResponseSink): ResponseSink & { readonly started: boolean } {
  let started = false;
  return {
    get started() {
      return started;
    },
    closed: sink.closed,
    start(status, headers) {
      started = true;
      sink.start(status, headers);
    },
    write: (c) => sink.write(c),
    end: () => sink.end(),
  };
}

/**
 * The router behind a streaming integration: `POST /v1/routes/{route}/converse-stream` and
 * `POST /v1/chat/completions` with `stream: true` stream; every other request is the whole-response
 * handler's, written to the sink in one piece. Errors before the first event are whole JSON errors
 * with their status (the same as the whole-response handler's).
 */
export function createStreamingHandler(deps: StreamingDeps): StreamingHandler {
  const whole = createHandler(deps);
  return async (event, rawSink) => {
    const requestId = event.requestContext?.requestId ?? randomUUID();
    const sink = tracked(rawSink);
    const path = event.path ?? '';
    try {
      let m: RegExpExecArray | null;
      if ((m = CONVERSE_STREAM_PATH.exec(path))) {
        requireMethod(event, API_OPERATIONS.converseStream.method);
        let routeId = m[1];
        try {
          routeId = decodeURIComponent(event.pathParameters?.route ?? m[1]);
        } catch (err) {
          throw new NotFoundError(`no route "${m[1].slice(0, 200)}"`, 'route_not_found', { cause: err });
        }
        const request = converseRequest(jsonBody(event));
        // Only a request that names a guardrail reads the table here (a read may poll AppConfig).
        if (request.guardrailConfig !== undefined) checkGuardrail(await deps.tables.get(), routeId, request);
        await streamCached(deps, event, routeId, request, requestId, converseStreamWriter(sink, requestId), (d, w) =>
          streamWithinLimits(d, event, routeId, request, w, (lw) =>
            serveStream(d, routeId, request, requestId, lw, consumerOf(event)),
          ),
        );
        return;
      }
      if (CHAT_PATH.test(path) && event.httpMethod.toUpperCase() === API_OPERATIONS.chatCompletions.method) {
        const body = jsonBody(event);
        if (isObject(body) && body.stream === true) {
          const { routeId, request, stream, answerCheck } = chatCompletionRequest(body);
          // A checked answer (structured output, strict tools) is checked whole, then streamed.
          const validated = answerCheck && checkedBackends(deps.backends, answerCheck);
          await streamCached(
            deps,
            event,
            routeId,
            request,
            requestId,
            openAiStreamWriter(sink, requestId, stream ?? { includeUsage: false }),
            (d, w) =>
              streamWithinLimits(d, event, routeId, request, w, (lw) =>
                serveStream(
                  validated
                    ? {
                        ...d,
                        streamBackends: {
                          bedrock: wholeAnswerStream((c) => validated.bedrock.invoke(c)),
                          sagemaker: wholeAnswerStream((c) => validated.sagemaker.invoke(c)),
                        },
                      }
                    : d,
                  routeId,
                  request,
                  requestId,
                  lw,
                  consumerOf(event),
                ),
              ),
            answerCheck?.key,
          );
          return;
        }
      }
    } catch (err) {
      if (sink.started) {
        log('error', 'error after the stream began', { requestId, error: err instanceof Error ? err.name : 'Error' });
        sink.end();
        return;
      }
      const { status, body, headers } = errorResponse(err, requestId);
      if (status >= 500 && body.error.code === 'internal_error')
        log('error', 'unexpected error', {
          requestId,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      sink.start(status, { 'content-type': 'application/json', ...headers, 'x-request-id': requestId });
      sink.write(JSON.stringify(body));
      sink.end();
      return;
    }
    const out = await whole({ ...event, requestContext: { ...event.requestContext, requestId } });
    sink.start(out.statusCode, out.headers ?? {});
    sink.write(out.body);
    sink.end();
  };
}
