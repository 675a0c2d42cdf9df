import { checkProject, formatIssues } from '../catalog';
import { formatPreflight, preflight } from '../preflight/checks';
import { parseOptions } from './args';

const USAGE = `usage: npm run preflight -- --env NAME [--json] [--catalog FILE] [--environments DIR]

Before any apply, with the caller's AWS credentials (the SDK's usual chain), checks what a plan
cannot see in the environment's account: the credentials' account; the state bucket (versioned,
lock file free); API Gateway's CloudWatch role; Lambda concurrency for the router's reservation
plus the 100 that must stay unreserved; SageMaker endpoint quotas for twice each blue/green fleet;
each Bedrock model offered and granted in every Region it may be called in, and its inference
profiles; no AppConfig deployment in progress. Each failure says what to do.
Exit 0 when every check passes, 1 when one fails, 2 for bad usage or an invalid catalog.
  --json   one JSON record (environment, account, region, passed, checks[]), for CI`;

async function main(): Promise<void> {
  const opts = parseOptions(
    {
      env: { type: 'string' },
      json: { type: 'boolean' },
      catalog: { type: 'string' },
      environments: { type: 'string' },
    },
    USAGE,
  );
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (!opts.env) {
    console.error(`--env NAME is required\n\n${USAGE}`);
    process.exit(2);
  }
  const checked = checkProject({ catalogPath: opts.catalog, environmentsDir: opts.environments });
  if (!checked.project) {
    console.error(formatIssues(checked.issues));
    console.error('\npreflight refused: the catalog or an environment is invalid (see above).');
    process.exit(2);
  }
  const plan = checked.project.plans.find((p) => p.name === opts.env);
  if (!plan) {
    console.error(`unknown environment ${opts.env}; known: ${checked.project.plans.map((p) => p.name).join(', ')}`);
    process.exit(2);
  }
  const results = await preflight(plan);
  const passed = results.every((r) => r.ok);
  if (opts.json)
    console.log(
      JSON.stringify(
        { environment: plan.name, account: plan.account, region: plan.region, passed, checks: results },
        null,
        2,
      ),
    );
  else console.log(formatPreflight(plan, results));
  process.exitCode = passed ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
