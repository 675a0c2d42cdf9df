import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, delay } from './http-sim';

/** The extension's error answers: a status and the exception name, as a text body. */
export const APPCONFIG_EXTENSION_ERRORS: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  404: 'ResourceNotFoundException',
  500: 'InternalServerException',
  502: 'BadGatewayException',
  504: 'GatewayTimeoutException',
};

/**
 * A local AWS AppConfig Lambda extension: `GET /applications/{app}/environments/{env}/configurations/{profile}`
 * answers the document set for that path (any path when set with '*'), and 404
 * (ResourceNotFoundException) for a configuration it does not have, as the extension's API
 * describes: https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-OpenAPI.html
 * `down` drops connections, as an unreachable extension does; `failWith` answers every read with
 * that error status (502 when AppConfig cannot be reached from the extension, for instance);
 * `delayMs` holds every answer that long (an extension that does not answer in time).
 */
export class AppConfigExtensionSim extends LoopbackServer {
  private readonly documents = new Map<string, string>();
  down = false;
  failWith?: number;
  delayMs = 0;
  requests = 0;

  /** Sets the document served at a path (`/applications/a/environments/e/configurations/p`), or '*' for every path. */
  setDocument(document: string | object, path = '*'): void {
    this.documents.set(path, typeof document === 'string' ? document : JSON.stringify(document));
  }

  /** Forgets every document: every read is a 404 until one is set. */
  clear(): void {
    this.documents.clear();
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    if (this.down) {
      req.socket.destroy();
      return;
    }
    if (this.delayMs > 0) {
      void delay(this.delayMs).then(() => {
        if (!res.destroyed) this.answer(req, res);
      });
      return;
    }
    this.answer(req, res);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (this.failWith !== undefined) {
      this.sendError(res, this.failWith, `${APPCONFIG_EXTENSION_ERRORS[this.failWith] ?? 'Error'}: simulated failure`);
      return;
    }
    const doc = this.documents.get(path) ?? this.documents.get('*');
    if (
      req.method !== 'GET' ||
      !/^\/applications\/[^/]+\/environments\/[^/]+\/configurations\/[^/]+$/.test(path) ||
      doc === undefined
    ) {
      this.sendError(res, 404, `ResourceNotFoundException: no configuration at ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'configuration-version': String(this.documents.size) });
    res.end(doc);
  }

  private sendError(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'content-type': 'application/text' });
    res.end(text);
  }
}
