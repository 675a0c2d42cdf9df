import type { ValidationRule } from '../validation';
import type { ModelEndpointProps } from './model-endpoint';

const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^:@]+[:@].+$/;
const inRange = (v: number | undefined, lo: number, hi: number) => v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);

export const MODEL_ENDPOINT_RULES: readonly ValidationRule<ModelEndpointProps>[] = [
  {
    fails: (p) => !/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(p.endpointName) || p.endpointName.length > 63,
    message: (p) => `endpoint name must be 1 to 63 letters, digits and hyphens, but ${p.endpointName} was provided`,
  },
  {
    fails: (p) => !ECR_IMAGE.test(p.image),
    message: (p) => `image must be an ecr image uri (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>), but ${p.image} was provided`,
  },
  {
    fails: (p) => p.modelDataUrl !== undefined && !p.modelDataUrl.startsWith('s3://'),
    message: (p) => `model data url must be an s3:// url, but ${p.modelDataUrl} was provided`,
  },
  {
    fails: (p) => p.capacity.mode === 'instances' && (!Number.isInteger(p.capacity.instanceCount) || p.capacity.instanceCount < 1),
    message: (p) => `initial instance count must be 1 or more, but ${p.capacity.mode === 'instances' ? p.capacity.instanceCount : ''} was provided`,
  },
  {
    fails: (p) => p.capacity.mode === 'serverless' && (p.capacity.memorySizeMb < 1024 || p.capacity.memorySizeMb > 6144 || p.capacity.memorySizeMb % 1024 !== 0),
    message: (p) => `serverless memory must be 1024 to 6144 mb in steps of 1024, but ${p.capacity.mode === 'serverless' ? p.capacity.memorySizeMb : ''} was provided`,
  },
  {
    fails: (p) => p.capacity.mode === 'serverless' && !inRange(p.capacity.maxConcurrency, 1, 200),
    message: (p) => `serverless max concurrency must be 1 to 200, but ${p.capacity.mode === 'serverless' ? p.capacity.maxConcurrency : ''} was provided`,
  },
  {
    fails: (p) => p.capacity.mode === 'serverless' && p.adapters.length > 0,
    message: (p) => `adapters need instance capacity, but a serverless endpoint with ${p.adapters.length} adapters was provided`,
  },
  {
    fails: (p) => p.adapters.some((a) => !a.artifactUrl.startsWith('s3://')),
    message: (p) => `adapter artifact urls must be s3:// urls, but ${p.adapters.map((a) => a.artifactUrl).join(', ')} was provided`,
  },
  {
    fails: (p) => p.rollout.type === 'canary' && !inRange(p.rollout.stepPercent ?? 10, 1, 50),
    message: (p) => `canary size must be 1 to 50 percent, but ${p.rollout.stepPercent} was provided`,
  },
  {
    fails: (p) => p.rollout.type === 'linear' && !inRange(p.rollout.stepPercent ?? 10, 10, 50),
    message: (p) => `linear step must be 10 to 50 percent, but ${p.rollout.stepPercent} was provided`,
  },
  {
    fails: (p) => !inRange(p.rollout.waitIntervalSeconds, 0, 3600),
    message: (p) => `wait interval must be 0 to 3600 seconds, but ${p.rollout.waitIntervalSeconds} was provided`,
  },
  {
    fails: (p) => !inRange(p.rollout.maximumExecutionTimeoutSeconds, 600, 14400),
    message: (p) => `maximum execution timeout must be 600 to 14400 seconds, but ${p.rollout.maximumExecutionTimeoutSeconds} was provided`,
  },
  {
    fails: (p) => !inRange(p.rollout.terminationWaitSeconds, 0, 3600),
    message: (p) => `termination wait must be 0 to 3600 seconds, but ${p.rollout.terminationWaitSeconds} was provided`,
  },
];
