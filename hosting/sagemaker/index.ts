import type { HostingKind, RouterBackend } from '../kind';
import type { PlannedSagemakerHosting } from './plan';
import { sagemakerHosting } from './resolve';
import { SAGEMAKER_RULES, sagemakerPricingIssues, sagemakerRolloutIssues } from './rules';

const BACKEND: RouterBackend = 'sagemaker';

type Endpoint = { readonly region: string; readonly endpointName: string };

/** The endpoints a model runs in an environment: the primary, then the DR endpoint if any. */
function endpointsOf(h: PlannedSagemakerHosting): [Endpoint, ...Endpoint[]] {
  const dr = h.disasterRecovery;
  return [
    { region: h.region, endpointName: h.endpointName },
    ...(dr !== undefined ? [{ region: dr.region, endpointName: dr.endpointName }] : []),
  ];
}

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
  routingTableEntry: (h) => {
    // The DR endpoint is the next target: the router fails over to it like a Bedrock Region.
    const [primary, ...dr] = endpointsOf(h);
    const target = (e: Endpoint) => ({ region: e.region, id: e.endpointName });
    return {
      hosting: BACKEND,
      targets: [target(primary), ...dr.map(target)],
      ...(h.adapters.length > 0 ? { adapters: h.adapters.map((a) => ({ name: a.name })) } : {}),
    };
  },
  // Bedrock's application inference profiles copy Bedrock models only; an endpoint's cost is its own tagged resource.
  applicationProfileSource: () => undefined,
  // The router calls the endpoint, and fails over to the DR endpoint itself (the workflows have no SageMaker integration of their own here).
  workflowInvocation: (h) => ({ region: h.region, via: 'router', foundationModelArns: [] }),
  auditRow: (h) => ({
    regions: endpointsOf(h).map((e) => e.region),
    invokeIds: endpointsOf(h).map((e) => e.endpointName),
    inferenceProfile: null,
    placements: endpointsOf(h).map((e) => ({
      calledIn: e.region,
      invokeId: e.endpointName,
      profile: null,
      runsIn: [e.region],
    })),
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
      ...(h.disasterRecovery !== undefined
        ? { disasterRecovery: `${h.disasterRecovery.endpointName} in ${h.disasterRecovery.region}, same capacity` }
        : {}),
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
    // A DR endpoint runs the same instances all month in its Region, priced here at the primary Region's rate.
    const copies = endpointsOf(h);
    const dr = h.disasterRecovery;
    return {
      resource: copies.map((e) => e.endpointName).join(' + '),
      capacity:
        dr === undefined
          ? `${cap.instanceCount} × ${cap.instanceType}`
          : copies.map((e) => `${cap.instanceCount} × ${cap.instanceType} in ${e.region}`).join(' + '),
      hourlyUsd: hourly === undefined ? null : hourly * cap.instanceCount * copies.length,
      ...(hourly === undefined
        ? { note: `no price for ${cap.instanceType}: set instanceHourUsd in the environment` }
        : dr !== undefined
          ? { note: `includes the DR endpoint in ${dr.region} at the ${h.region} instance-hour price` }
          : {}),
    };
  },
};
