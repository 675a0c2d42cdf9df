import type { EndpointRollout, Environment } from '../../schemas/generated/environment';
import { effectiveRoutes, modelsHostedOn } from '../../catalog/context';
import { issueAt, type CatalogIssue } from '../../catalog/issues';
import { firstRepeat, type Report, type Rule } from '../../catalog/rules/rule';
import type { HostingKind } from '../kind';
import { DISASTER_RECOVERY_RULES } from './dr';
import { blueGreenWaitSeconds, ENDPOINT_ROLLOUT_DEFAULTS } from './rollout';

export const SAGEMAKER_RULES: readonly Rule[] = [
  {
    id: 'sagemaker-model',
    summary:
      'a SageMaker model has base weights (modelDataUrl or a registry version); adapters need base weights, unique names, and live under <modelDataUrl>adapters/<name>/',
    catalog: (ctx, issue) =>
      modelsHostedOn(ctx, 'sagemaker').flatMap(({ model: m, index: i }) => {
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const adapters = h.adapters ?? [];
        if (h.modelDataUrl === undefined && h.modelRegistry === undefined) {
          out.push(
            issue(
              ['models', i, 'hosting'],
              `SageMaker model "${m.id}" has neither modelDataUrl nor modelRegistry: the endpoint would have no weights`,
              { fix: 'add "modelDataUrl" (S3 URI of the weights) or "modelRegistry"' },
            ),
          );
        }
        if (adapters.length > 0 && h.modelDataUrl === undefined) {
          out.push(
            issue(
              ['models', i, 'hosting', 'adapters'],
              `adapter "${adapters[0].name}" of "${m.id}" has no SageMaker base model: adapters load onto the base weights given by modelDataUrl`,
              { fix: 'add "modelDataUrl" with the S3 URI of the base model weights' },
            ),
          );
        }
        const dup = firstRepeat(adapters.map((a) => a.name));
        if (dup)
          out.push(
            issue(
              ['models', i, 'hosting', 'adapters', dup.index, 'name'],
              `adapter name "${dup.id}" is used twice in "${m.id}"`,
              { fix: 'give each adapter its own name' },
            ),
          );
        if (h.modelDataUrl !== undefined) {
          const base = h.modelDataUrl.endsWith('/') ? h.modelDataUrl : `${h.modelDataUrl}/`;
          adapters.forEach((a, j) => {
            const expected = `${base}adapters/${a.name}/`;
            if (a.artifactUrl.replace(/\/?$/, '/') !== expected) {
              out.push(
                issue(
                  ['models', i, 'hosting', 'adapters', j, 'artifactUrl'],
                  `adapter "${a.name}" of "${m.id}" is at ${a.artifactUrl}, where the LMI container will not load it`,
                  { expected, fix: `copy the adapter to ${expected} and point artifactUrl there` },
                ),
              );
            }
          });
        }
        return out;
      }),
  },
  {
    id: 'sagemaker-capacity',
    summary:
      'endpoint capacity names SageMaker models; a model a route uses has an endpoint here; serverless endpoints carry no adapters',
    environment: (ctx, issue) => {
      const out: CatalogIssue[] = [];
      const endpoints = ctx.env.sagemaker?.endpoints ?? {};
      for (const [id, cap] of Object.entries(endpoints)) {
        const m = ctx.models.get(id)?.model;
        const path = ['sagemaker', 'endpoints', id];
        // An unknown id is the unknown-model rule's to report.
        if (!m) continue;
        if (m.hosting.type !== 'sagemaker') {
          out.push(
            issue(path, `model "${id}" is hosted on ${m.hosting.type}, not SageMaker: it has no endpoint to size`, {
              fix: 'remove this entry',
            }),
          );
          continue;
        }
        if (cap.mode === 'serverless' && (m.hosting.adapters ?? []).length > 0) {
          out.push(
            issue(
              [...path, 'mode'],
              `model "${id}" has LoRA adapters, which serverless endpoints cannot serve (CPU only, no LMI multi-adapter serving)`,
              { fix: 'use "mode": "instances", or "none" and route elsewhere' },
            ),
          );
        }
        if (cap.mode === 'serverless' && (cap.memorySizeMb === undefined || cap.maxConcurrency === undefined)) {
          out.push(
            issue(path, `serverless endpoint of "${id}" needs memorySizeMb and maxConcurrency`, { fix: 'add both' }),
          );
        }
        if (cap.mode === 'instances' && cap.instanceType === undefined && m.hosting.instanceType === undefined) {
          out.push(
            issue(path, `endpoint of "${id}" has no instance type here or in the catalog`, {
              fix: 'add "instanceType"',
            }),
          );
        }
      }
      for (const eff of effectiveRoutes(ctx)) {
        for (const id of eff.candidates) {
          const m = ctx.models.get(id)?.model;
          if (m?.hosting.type !== 'sagemaker') continue;
          if (endpoints[id]?.mode === 'none') {
            out.push(
              issue(
                ['sagemaker', 'endpoints', id, 'mode'],
                `route "${eff.route.id}" uses "${id}", which has no endpoint in ${ctx.env.name}`,
                { fix: `override route "${eff.route.id}" here with a Bedrock model, or give "${id}" an endpoint` },
              ),
            );
          } else if (endpoints[id] === undefined && m.hosting.instanceType === undefined) {
            out.push(
              issue(
                ['sagemaker'],
                `route "${eff.route.id}" uses "${id}", but neither the catalog nor ${ctx.env.name} sizes its endpoint`,
                { fix: `add sagemaker.endpoints["${id}"]` },
              ),
            );
          }
        }
      }
      return out;
    },
  },
  {
    id: 'sagemaker-registry',
    summary:
      'a registry-driven SageMaker model names its group when a training pipeline owns it; versions name known environments; production pins a version (promoted by pull request)',
    catalog: (ctx, issue) =>
      modelsHostedOn(ctx, 'sagemaker').flatMap(({ model: m, index: i }) => {
        const r = m.hosting.modelRegistry;
        if (r?.owner !== 'external' || r.packageGroup !== undefined) return [];
        return [
          issue(
            ['models', i, 'hosting', 'modelRegistry'],
            `"${m.id}" uses a model package group made outside the platform (owner "external") but does not name it`,
            { fix: 'add "packageGroup" with the name of the group the training pipeline registers into' },
          ),
        ];
      }),
    environment: (ctx, issue) =>
      modelsHostedOn(ctx, 'sagemaker').flatMap(({ model: m, index: i }) => {
        const versions = m.hosting.modelRegistry?.versions ?? {};
        const names = new Set(ctx.environments.map((e) => e.name));
        const path = ['models', i, 'hosting', 'modelRegistry', 'versions'];
        const out: CatalogIssue[] = [];
        // The catalog holds the pins: an unknown key is reported there, once (with the first environment loaded).
        if (ctx.environments[0]?.name === ctx.env.name) {
          for (const key of Object.keys(versions).filter((k) => !names.has(k))) {
            out.push(
              issueAt(
                ctx.doc,
                'sagemaker-registry',
                [...path, key],
                `"${m.id}" pins a version for "${key}", which is no environment`,
                {
                  expected: [...names].join(', '),
                  fix: 'use the name of an environment file, or remove the entry',
                },
              ),
            );
          }
        }
        if (ctx.env.tier === 'production' && versions[ctx.env.name] === 'latest-approved') {
          out.push(
            issue(
              ['tier'],
              `production environment "${ctx.env.name}" follows latest-approved for "${m.id}" (modelRegistry.versions.${ctx.env.name} in model-catalog.json): every registry approval would deploy here unreviewed`,
              {
                expected: 'a pinned version number in production',
                fix: `set "${ctx.env.name}": ${m.hosting.modelRegistry?.approvedVersion ?? 1} in the model's modelRegistry.versions and promote by bumping it in a pull request`,
              },
            ),
          );
        }
        return out;
      }),
  },
  ...DISASTER_RECOVERY_RULES,
];

/** SageMaker bills endpoints by the instance-hour: without that price the cost cannot be estimated. */
export const sagemakerPricingIssues: HostingKind<'sagemaker'>['pricingIssues'] = (m, issue) =>
  m.pricing.instanceHourUsd === undefined
    ? [
        issue(['pricing'], `SageMaker model "${m.id}" has no instanceHourUsd, so its cost cannot be estimated`, {
          fix: 'add "instanceHourUsd" for its default instance type',
        }),
      ]
    : [];

/** Blue/green endpoint roll-outs need the figures their shape needs, within SageMaker's bounds. */
export function sagemakerRolloutIssues(env: Environment, issue: Report): CatalogIssue[] {
  const r = env.sagemaker?.rollout;
  if (!r) return [];
  if (r.type === 'all-at-once') return rolloutTimeoutIssues(r, issue);
  if (r.stepPercent === undefined)
    return [
      issue(['sagemaker', 'rollout'], `a ${r.type} endpoint roll-out needs stepPercent`, { fix: 'add "stepPercent"' }),
    ];
  if (r.type === 'linear' && r.stepPercent < 10)
    return [
      issue(
        ['sagemaker', 'rollout', 'stepPercent'],
        `linear steps of ${r.stepPercent}% are below SageMaker's minimum of 10%`,
        { expected: '10 to 50' },
      ),
    ];
  return rolloutTimeoutIssues(r, issue);
}

/** MaximumExecutionTimeoutInSeconds must exceed the roll-out's waits, or SageMaker stops (and rolls back) every update. */
function rolloutTimeoutIssues(r: EndpointRollout, issue: Report): CatalogIssue[] {
  const timeout = r.maximumExecutionTimeoutSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.maximumExecutionTimeoutSeconds;
  const { bakes, seconds } = blueGreenWaitSeconds(r);
  if (timeout > seconds) return [];
  const wait = r.waitIntervalSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.waitIntervalSeconds;
  const termination = r.terminationWaitSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.terminationWaitSeconds;
  return [
    issue(
      [
        'sagemaker',
        'rollout',
        ...(r.maximumExecutionTimeoutSeconds === undefined ? [] : ['maximumExecutionTimeoutSeconds']),
      ],
      `the ${r.type} roll-out waits ${seconds} s (${bakes} × ${wait} s bake + ${termination} s termination wait), but maximumExecutionTimeoutSeconds is ${timeout}${r.maximumExecutionTimeoutSeconds === undefined ? ' (the default)' : ''}`,
      {
        expected: `more than ${seconds}, at most 14400`,
        fix:
          seconds < 14400
            ? `raise "maximumExecutionTimeoutSeconds" above ${seconds} (with room for provisioning the new fleet), or shorten the waits`
            : 'shorten "waitIntervalSeconds" or "terminationWaitSeconds", or use larger steps',
      },
    ),
  ];
}
