import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { waitForDeployment } from '../deploy/appconfig-wait';
import { parseOptions } from './args';

const USAGE = `usage: npm run wait-deployment -- --application ID --environment ID --region REGION [--since ISO-TIME] [--timeout-minutes N]

After an apply: waits for the newest AppConfig deployment of the environment (the one the apply
started, if it started at or after --since) to be COMPLETE. Exit 0 when it is (or none was started),
1 when it ROLLED_BACK (naming the alarm that caused it) or did not finish in time.
The ids are the stack's outputs appconfig_application_id and appconfig_environment_id.`;

async function main(): Promise<void> {
  const o = parseOptions(
    {
      application: { type: 'string' },
      environment: { type: 'string' },
      region: { type: 'string' },
      since: { type: 'string' },
      'timeout-minutes': { type: 'string' },
      'poll-seconds': { type: 'string' },
    },
    USAGE,
  );
  if (o.help) {
    console.log(USAGE);
    return;
  }
  if (!o.application || !o.environment || !o.region) {
    console.error(`--application, --environment and --region are required\n\n${USAGE}`);
    process.exit(2);
  }
  const since = o.since ? new Date(o.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    console.error(`--since must be an ISO date-time, but ${o.since} was given`);
    process.exit(2);
  }
  const outcome = await waitForDeployment(new AppConfigClient({ region: o.region }), {
    applicationId: o.application,
    environmentId: o.environment,
    ...(since ? { since } : {}),
    timeoutMs: Number(o['timeout-minutes'] ?? '60') * 60_000,
    pollMs: Number(o['poll-seconds'] ?? '15') * 1000,
  });
  if (outcome.ok) console.log(outcome.message);
  else console.error(`::error::${outcome.message}`);
  process.exitCode = outcome.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
