import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local AWS AppConfig Lambda extension: `GET /applications/{app}/environments/{env}/configurations/{profile}`
 * answers the document set for that path (any path when set with '*'); `down` drops connections,
 * as an unreachable extension does.
 */
export class AppConfigExtensionSim {
  private readonly documents = new Map<string, string>();
  private server?: Server;
  down = false;
  requests = 0;

  /** Sets the document served at a path (`/applications/a/environments/e/configurations/p`), or '*' for every path. */
  setDocument(document: string | object, path = '*'): void {
    this.documents.set(path, typeof document === 'string' ? document : JSON.stringify(document));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.requests++;
      if (this.down) {
        req.socket.destroy();
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      const doc = this.documents.get(path) ?? this.documents.get('*');
      if (req.method !== 'GET' || !/^\/applications\/[^/]+\/environments\/[^/]+\/configurations\/[^/]+$/.test(path) || doc === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('configuration not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'configuration-version': String(this.documents.size) });
      res.end(doc);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error('the AppConfig extension simulator is not listening');
    return `http://127.0.0.1:${a.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
