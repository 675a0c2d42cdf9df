import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler } from '../functions/router/app';
import { readBody } from './http-sim';

/** A local stand-in for API Gateway's REST proxy integration: HTTP in, the handler's result out. */
export async function serveHandler(
  handler: Handler,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const out = await handler({
          httpMethod: req.method ?? 'GET',
          path: url.pathname,
          headers,
          body: body === '' ? null : body,
          requestContext: { requestId: randomUUID() },
        });
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'gateway_error', message: String(err) } }));
      });
  });
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
