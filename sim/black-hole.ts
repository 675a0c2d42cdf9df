import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server on 127.0.0.1 that accepts every connection and never answers: a black-holed
 * endpoint (a DynamoDB that a network fault or a wrong route swallows). Counts the HTTP requests it
 * was sent, so a test can tell whether a client asked again.
 */
export class BlackHole {
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  /** HTTP requests received (request lines seen). */
  requests = 0;

  async listen(): Promise<string> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => {
        this.requests += chunk.toString('latin1').match(/^[A-Z]+ \S+ HTTP\/1\.1\r$/gm)?.length ?? 0;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error('the black hole is not listening');
    return `http://127.0.0.1:${a.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
