import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadProject } from '../catalog';
import { packageVersion } from '../contracts/model-deployment';
import { deployVersion, pipelineTargets, previousServingPackage, servingEverywhere } from '../deploy/model-deployment';
import { parseOptions } from './args';

const USAGE = `usage: npm run rollback -- --env NAME --model ID [--to VERSION] [--timeout-minutes N] [--poll-seconds S]

Starts the model's deployment pipeline with an earlier version: --to VERSION, else the version that
served before the one serving now (from the pipeline's records in fm-<env>-deployments). The same
workflow as a promotion: blue/green, alarm rollback, the outcome recorded. Then bump (or revert) the
catalog's pin in a pull request, or the next deploy promotes the pinned version again.
Exit 0 when the earlier version serves, 1 when the roll-out did not end serving it, 2 on bad arguments.`;

async function main(): Promise<void> {
  const o = parseOptions(
    {
      env: { type: 'string' },
      model: { type: 'string' },
      to: { type: 'string' },
      'timeout-minutes': { type: 'string' },
      'poll-seconds': { type: 'string' },
    },
    USAGE,
  );
  if (o.help) return void console.log(USAGE);
  if (!o.env || !o.model) {
    console.error(`--env and --model are required\n\n${USAGE}`);
    process.exit(2);
  }
  const to = o.to === undefined ? undefined : Number(o.to);
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) {
    console.error(`--to must be a model package version (a whole number from 1), but ${o.to} was given`);
    process.exit(2);
  }
  const plan = loadProject({ only: [o.env] }).plans[0];
  const all = pipelineTargets(plan);
  const t = all.find((x) => x.modelId === o.model);
  if (t === undefined) {
    console.error(
      `${o.model} has no deployment pipeline in ${plan.name}${all.length ? `: registry-driven models there: ${all.map((x) => x.modelId).join(', ')}` : ''}`,
    );
    process.exit(2);
  }
  // The primary endpoint decides what "the version before" is; its DR endpoint follows whatever it serves.
  const places = await servingEverywhere(t, (region) => new SageMakerClient({ region }));
  const serving = places[0].serving;
  const target =
    to !== undefined
      ? t.packageArn(to)
      : serving === undefined
        ? undefined
        : await previousServingPackage(
            new DynamoDBClient({ region: t.region }),
            t.tableName,
            t.modelId,
            serving,
            t.endpointName,
          );
  if (target === undefined) {
    console.error(
      `${t.modelId}: no record of the version before ${serving ?? 'the one serving'} in ${t.tableName} (Terraform created the endpoint with it): give --to VERSION`,
    );
    process.exit(2);
  }
  if (places.every((p) => p.serving === target)) {
    console.log(
      `${t.modelId}: v${packageVersion(target)} already serves on ${places.map((p) => p.endpointName).join(' and ')}`,
    );
    return;
  }
  console.log(`${t.modelId}: rolling ${t.endpointName} back from ${serving ?? '?'} to ${target}`);
  const r = await deployVersion(new SFNClient({ region: t.region }), {
    stateMachineArn: t.stateMachineArn,
    packageArn: target,
    trigger: 'rollback',
    timeoutMs: Number(o['timeout-minutes'] ?? '240') * 60_000,
    pollMs: Number(o['poll-seconds'] ?? '30') * 1000,
  });
  if (r.ok) console.log(`${t.modelId}: v${packageVersion(target)} serves (${r.executionArn})`);
  else console.error(`::error::${t.modelId}: ${r.error ?? r.status}: ${r.cause ?? ''} (${r.executionArn})`);
  process.exitCode = r.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
