import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadProject } from '../catalog';
import { packageVersion } from '../contracts/model-deployment';
import { deployVersion, latestApprovedPackage, pipelineTargets, servingEverywhere } from '../deploy/model-deployment';
import { parseOptions } from './args';

const USAGE = `usage: npm run promote -- --env NAME [--model ID] [--version N] [--check] [--timeout-minutes N] [--poll-seconds S]

Hands a model package version to a registry-driven model's deployment pipeline (its Step Functions
workflow) and waits for the roll-out: blue/green with the environment's policy, rolled back by
SageMaker on the endpoint's alarms. The version is --version, else the catalog's pin for the
environment (modelRegistry.versions), else, for an environment following latest-approved, the
newest Approved version of the group. Without --model: every registry-driven model of the
environment that pins its version (the deploy job's call after apply; approvals roll the others).
A version already serving changes nothing.
--check only compares what serves (DescribeEndpoint) with the catalog's pin: exit 3 on drift.
Exit 0 when the version serves, 1 when the roll-out rolled back, failed or was refused (with the
alarm or SageMaker's reason), 2 on bad arguments.`;

async function main(): Promise<void> {
  const o = parseOptions(
    {
      env: { type: 'string' },
      model: { type: 'string' },
      version: { type: 'string' },
      check: { type: 'boolean' },
      'timeout-minutes': { type: 'string' },
      'poll-seconds': { type: 'string' },
    },
    USAGE,
  );
  if (o.help) return void console.log(USAGE);
  if (!o.env) {
    console.error(`--env is required\n\n${USAGE}`);
    process.exit(2);
  }
  const version = o.version === undefined ? undefined : Number(o.version);
  if (version !== undefined && !(Number.isInteger(version) && version > 0)) {
    console.error(`--version must be a model package version (a whole number from 1), but ${o.version} was given`);
    process.exit(2);
  }
  const plan = loadProject({ only: [o.env] }).plans[0];
  const all = pipelineTargets(plan);
  const targets =
    o.model === undefined
      ? all.filter((t) => t.version !== 'latest-approved')
      : all.filter((t) => t.modelId === o.model);
  if (o.model !== undefined && targets.length === 0) {
    console.error(
      `${o.model} has no deployment pipeline in ${plan.name}: ${all.length ? `registry-driven models there: ${all.map((t) => t.modelId).join(', ')}` : 'it runs no registry-driven SageMaker model'}`,
    );
    process.exit(2);
  }
  if (targets.length === 0)
    return void console.log(`${plan.name}: no registry-driven model pins a version here; nothing to promote`);
  const clients = new Map<string, SageMakerClient>();
  const clientIn = (region: string) => {
    let c = clients.get(region);
    if (c === undefined) clients.set(region, (c = new SageMakerClient({ region })));
    return c;
  };
  const sagemaker = clientIn(plan.region);
  const sfn = new SFNClient({ region: plan.region });
  let failed = 0;
  let drifted = 0;
  for (const t of targets) {
    const packageArn =
      version !== undefined
        ? t.packageArn(version)
        : t.version !== 'latest-approved'
          ? t.packageArn(t.version)
          : await latestApprovedPackage(sagemaker, t.packageGroup);
    if (packageArn === undefined) {
      console.error(`::error::${t.modelId}: no Approved version in ${t.packageGroup}`);
      failed++;
      continue;
    }
    // The primary endpoint and, where the model has one, its DR endpoint: the pipeline moves both.
    const places = await servingEverywhere(t, clientIn);
    const behind = places.filter((p) => p.serving !== packageArn);
    const at = (p: (typeof places)[number]) => `${p.endpointName} (${p.region})`;
    if (o.check) {
      if (behind.length === 0)
        console.log(
          `${t.modelId}: v${packageVersion(packageArn)} serves on ${places.map(at).join(' and ')}, as pinned`,
        );
      for (const p of behind) {
        drifted++;
        console.error(
          `::warning::${t.modelId}: ${at(p)} serves ${p.serving ?? 'nothing readable'}, the catalog pins ${packageArn} (fix: npm run promote -- --env ${plan.name} --model ${t.modelId})`,
        );
      }
      continue;
    }
    if (behind.length === 0) {
      console.log(`${t.modelId}: v${packageVersion(packageArn)} already serves on ${places.map(at).join(' and ')}`);
      continue;
    }
    console.log(
      `${t.modelId}: rolling ${behind.map((p) => `${at(p)} from ${p.serving ?? '?'}`).join(' and ')} to ${packageArn}`,
    );
    const r = await deployVersion(sfn, {
      stateMachineArn: t.stateMachineArn,
      packageArn,
      trigger: 'promote',
      timeoutMs: Number(o['timeout-minutes'] ?? '240') * 60_000,
      pollMs: Number(o['poll-seconds'] ?? '30') * 1000,
    });
    if (r.ok) console.log(`${t.modelId}: v${packageVersion(packageArn)} serves (${r.executionArn})`);
    else {
      failed++;
      console.error(`::error::${t.modelId}: ${r.error ?? r.status}: ${r.cause ?? ''} (${r.executionArn})`);
    }
  }
  process.exitCode = failed ? 1 : drifted ? 3 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
