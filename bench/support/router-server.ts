// A child process serving the router over loopback HTTP (as the benchmark's "router" side), with
// the environment the parent passes; prints READY <url>.
import { createHandler, routerDeps } from '../../functions/router/app';
import { readEnv } from '../../functions/router/env';
import { setLogSink } from '../../functions/router/log';
import { serveHandler } from '../../sim/gateway';

setLogSink(() => undefined);
serveHandler(createHandler(routerDeps(readEnv())), 0)
  .then(({ url }) => process.stdout.write(`READY ${url}\n`))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
