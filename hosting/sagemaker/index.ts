import type { HostingKind, RouterBackend } from '../kind';
import { sagemakerHosting } from './resolve';
import { SAGEMAKER_RULES, sagemakerPricingIssues, sagemakerRolloutIssues } from './rules';

const BACKEND: RouterBackend = 'sagemaker';

/** The team's own models on SageMaker endpoints the platform deploys in each environment's Region. */
export const sagemakerKind: HostingKind<'sagemaker'> = {
  type: 'sagemaker',
  label: 'SageMaker',
  routerBackend: BACKEND,

  rules: SAGEMAKER_RULES,
  environmentReferences: (env) =>
    Object.keys(env.sagemaker?.endpoints ?? {}).map((id) => ({ id, path: ['sagemaker', 'endpoints', id] })),
  pricingIssues: sagemakerPricingIssues,
  rolloutIssues: sagemakerRolloutIssues,
  // Deployed by each environment in its own Region: the catalog names none.
  homeRegion: () => undefined,
  servedIn: () => ({ served: true }),
  catalogInstanceCount: (h) => h.instanceCount ?? 1,

  resolve: sagemakerHosting,
  routingTableEntry: (h) => ({
    hosting: BACKEND,
    targets: [{ region: h.region, id: h.endpointName }],
    ...(h.adapters.length > 0 ? { adapters: h.adapters.map((a) => ({ name: a.name })) } : {}),
  }),
  // The router calls the endpoint (the workflows have no SageMaker integration of their own here).
  workflowInvocation: (h) => ({ region: h.region, via: 'router', foundationModelArns: [] }),
  auditRow: (h) => ({
    regions: [h.region],
    invokeIds: [h.endpointName],
    inferenceProfile: null,
    placements: [{ calledIn: h.region, invokeId: h.endpointName, profile: null, runsIn: [h.region] }],
  }),
  endpointRow: (h) => {
    const cap = h.capacity;
    const r = h.rollout;
    return {
      endpointName: h.endpointName,
      capacity:
        cap.mode === 'serverless'
          ? `serverless, ${cap.memorySizeMb} MB, ${cap.maxConcurrency} concurrent`
          : `${cap.instanceCount} × ${cap.instanceType}`,
      rollout:
        r.type === 'all-at-once'
          ? 'blue/green, all at once'
          : `blue/green ${r.type} ${r.stepPercent ?? '?'}%, bake ${r.waitIntervalSeconds ?? 0} s, alarm rollback`,
      adapters: h.adapters.map((a) => a.name),
    };
  },
  standingCost: (h) => {
    const cap = h.capacity;
    if (cap.mode === 'serverless')
      return {
        resource: h.endpointName,
        capacity: `serverless ${cap.memorySizeMb} MB`,
        hourlyUsd: null,
        note: 'billed per inference second; not estimated',
      };
    const hourly = cap.instanceHourUsd;
    return {
      resource: h.endpointName,
      capacity: `${cap.instanceCount} × ${cap.instanceType}`,
      hourlyUsd: hourly === undefined ? null : hourly * cap.instanceCount,
      ...(hourly === undefined
        ? { note: `no price for ${cap.instanceType}: set instanceHourUsd in the environment` }
        : {}),
    };
  },
};
