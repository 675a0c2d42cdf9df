import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONSUMER_CONTEXT_KEY, LOCAL_CONSUMER_HEADER } from '../contracts/consumer';
import type { Handler } from '../functions/router/app';
import type { APIGatewayProxyEventLike } from '../functions/router/http-types';
import type { ResponseSink } from '../functions/router/response-sink';
import type { StreamingHandler } from '../functions/router/stream-app';
import { readBody } from './http-sim';

function proxyEvent(req: IncomingMessage, body: string): APIGatewayProxyEventLike {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    headers,
    body: body === '' ? null : body,
    // The consumer header stands in for the API-key authorizer's context (contracts/consumer.ts).
    requestContext: {
      requestId: randomUUID(),
      ...(headers[LOCAL_CONSUMER_HEADER]
        ? { authorizer: { [CONSUMER_CONTEXT_KEY]: headers[LOCAL_CONSUMER_HEADER] } }
        : {}),
    },
  };
}

/** A ResponseSink over Node's ServerResponse; `closed` aborts when the client goes away before the end. */
export function responseSink(res: ServerResponse): ResponseSink {
  const closed = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) closed.abort();
  });
  return {
    closed: closed.signal,
    start: (status, headers) => {
      res.writeHead(status, headers);
      res.flushHeaders();
    },
    write: (chunk) => {
      res.write(chunk);
    },
    end: () => {
      res.end();
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<{ server: Server; url: string }> {
  server.keepAliveTimeout = 60_000;
  // A port in use is an 'error' event, not a throw: reject with it (EADDRINUSE) instead of crashing.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

function gatewayError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'gateway_error', message: String(err) } }));
}

/** A local stand-in for API Gateway's REST proxy integration: HTTP in, the handler's result out. */
export async function serveHandler(
  handler: Handler,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const out = await handler(proxyEvent(req, body));
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
      })
      .catch((err: unknown) => gatewayError(res, err));
  });
  return listen(server, port, host);
}

/** A local stand-in for API Gateway's streaming proxy integration (responseTransferMode STREAM): chunks go out as written. */
export async function serveStreamingHandler(
  handler: StreamingHandler,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => handler(proxyEvent(req, body), responseSink(res)))
      .catch((err: unknown) => gatewayError(res, err));
  });
  return listen(server, port, host);
}
