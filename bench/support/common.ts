import { Agent, request } from 'node:http';
import { loadProject } from '../../catalog';
import type { RoutingTable } from '../../contracts/routing-table';

/** The prod routing table, the one the benchmarks route with. */
export function prodTable(): RoutingTable {
  return structuredClone(loadProject({ only: ['prod'] }).plans[0].routingTable);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sortNumbers = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One HTTP/1.1 keep-alive request; resolves status and body. */
export function httpJson(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          'content-type': 'application/json',
          ...(payload ? { 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await httpJson(url, 'GET', undefined);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not come up`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;
