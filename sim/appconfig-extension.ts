import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './http-sim';

/**
 * A local AWS AppConfig Lambda extension: `GET /applications/{app}/environments/{env}/configurations/{profile}`
 * answers the document set for that path (any path when set with '*'); `down` drops connections,
 * as an unreachable extension does.
 */
export class AppConfigExtensionSim extends LoopbackServer {
  private readonly documents = new Map<string, string>();
  down = false;
  requests = 0;

  /** Sets the document served at a path (`/applications/a/environments/e/configurations/p`), or '*' for every path. */
  setDocument(document: string | object, path = '*'): void {
    this.documents.set(path, typeof document === 'string' ? document : JSON.stringify(document));
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
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
  }
}
