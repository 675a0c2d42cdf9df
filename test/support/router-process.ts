// A router in a process of its own, as one Lambda instance is: the whole-response handler behind
// the local gateway, configured only by its environment (the SimStack variables the parent passes).
// Prints `listening <url>` once serving; on a `flush` line on stdin gives its unused spend leases
// back to the ledger, prints `flushed` and exits. The concurrency test of spend control runs two.
import { createInterface } from 'node:readline';
import { createHandler, routerDeps } from '../../functions/router/app';
import { readEnv } from '../../functions/router/env';
import { setLogSink } from '../../functions/router/log';
import { serveHandler } from '../../sim/gateway';

async function main(): Promise<void> {
  setLogSink((line) => process.stderr.write(`${line}\n`), 'error');
  const deps = routerDeps(readEnv());
  const { server, url } = await serveHandler(createHandler(deps), 0);
  process.stdout.write(`listening ${url}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== 'flush') continue;
    await deps.spend?.flush();
    process.stdout.write('flushed\n');
    server.closeAllConnections();
    server.close();
    process.exit(0);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
