import type { Environment } from '../../schemas/generated/environment';
import { endpointName } from '../../catalog/names';
import type { ModelHostedOn } from '../kind';
import { plannedDisasterRecovery } from './dr';
import { modelPackageArn, platformPackageGroup, type PlannedSagemakerHosting } from './plan';

/** A figure the sagemaker-capacity rule requires before anything is resolved; missing here is a bug. */
function ruled<T>(value: T | undefined, what: string, modelId: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} of ${modelId} is missing after validation`);
  return value;
}

/** The endpoint an environment runs for a model: its name, weights, adapters, capacity and roll-out. */
export function sagemakerHosting(m: ModelHostedOn<'sagemaker'>, env: Environment): PlannedSagemakerHosting {
  const h = m.hosting;
  const cap = env.sagemaker?.endpoints?.[m.id];
  // The environment's own copy of the weights (bootstrap.modelArtifacts.locations), else the catalog's.
  const location = env.bootstrap?.modelArtifacts?.locations?.[m.id];
  const modelDataUrl = location ?? h.modelDataUrl;
  const name = endpointName(env.name, m.id);
  const adapters = (h.adapters ?? []).map((a) => ({
    name: a.name,
    artifactUrl: location !== undefined ? `${location}adapters/${a.name}/` : a.artifactUrl,
  }));
  const dr = plannedDisasterRecovery(env, m.id, { endpointName: name, image: h.image, modelDataUrl, adapters });
  return {
    type: 'sagemaker',
    region: env.region,
    endpointName: name,
    image: h.image,
    ...(modelDataUrl ? { modelDataUrl } : {}),
    ...(h.modelRegistry ? { modelRegistry: registry(h.modelRegistry, m.id, env) } : {}),
    environment: h.environment ?? {},
    adapters,
    capacity:
      cap?.mode === 'serverless'
        ? {
            mode: 'serverless',
            memorySizeMb: ruled(cap.memorySizeMb, 'memorySizeMb', m.id),
            maxConcurrency: ruled(cap.maxConcurrency, 'maxConcurrency', m.id),
          }
        : instanceCapacity(
            ruled(cap?.instanceType ?? h.instanceType, 'instanceType', m.id),
            cap?.instanceCount ?? h.instanceCount ?? 1,
            cap?.instanceHourUsd ??
              (cap?.instanceType === undefined || cap.instanceType === h.instanceType
                ? m.pricing.instanceHourUsd
                : undefined),
          ),
    rollout: env.sagemaker?.rollout ?? { type: 'all-at-once' },
    ...(dr !== undefined ? { disasterRecovery: dr } : {}),
  };
}

function instanceCapacity(
  instanceType: string,
  instanceCount: number,
  instanceHourUsd: number | undefined,
): PlannedSagemakerHosting['capacity'] {
  return {
    mode: 'instances',
    instanceType,
    instanceCount,
    ...(instanceHourUsd !== undefined ? { instanceHourUsd } : {}),
  };
}

function registry(
  r: NonNullable<ModelHostedOn<'sagemaker'>['hosting']['modelRegistry']>,
  modelId: string,
  env: Environment,
): NonNullable<PlannedSagemakerHosting['modelRegistry']> {
  const packageGroup = r.packageGroup ?? platformPackageGroup(modelId);
  const version = r.versions?.[env.name] ?? r.approvedVersion;
  const initialVersion = version === 'latest-approved' ? r.approvedVersion : version;
  return {
    packageGroup,
    owned: (r.owner ?? 'platform') === 'platform',
    version,
    initialVersion,
    initialPackageArn: modelPackageArn(env.region, env.account, packageGroup, initialVersion),
  };
}
