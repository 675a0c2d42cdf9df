import { logRetentionRule } from '../logs/retention';
import { eachRule, isIntegerIn, rule, type PropsRule } from '../validation';
import type { ModelEndpointProps } from './model-endpoint';
import type { ModelDeploymentsProps } from './model-deployments';
import type { ModelPackageGroupProps } from './model-package-group';

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^:@]+[:@].+$/;
/** `ml.<family>.<size>`, as SageMaker names hosting instances (`ml.g5.2xlarge`). */
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
/** Model package group names (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackageGroup.html). */
const PACKAGE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const isS3Url = (url: string) => url.startsWith('s3://');

export const MODEL_ENDPOINT_RULES: readonly PropsRule<ModelEndpointProps>[] = [
  logRetentionRule((p) => p.logRetentionDays),
  rule({
    value: (p) => p.endpointName,
    fails: (name) => !ENDPOINT_NAME.test(name) || name.length > 63,
    message: (name) => `endpoint name must be 1 to 63 letters, digits and hyphens, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.image,
    fails: (image) => !ECR_IMAGE.test(image),
    message: (image) =>
      `image must be an ecr image uri (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>), but ${image} was provided`,
  }),
  rule({
    value: (p) => p.modelDataUrl,
    fails: (url) => !isS3Url(url),
    message: (url) => `model data url must be an s3:// url, but ${url} was provided`,
  }),
  rule({
    value: (p) => (p.capacity.mode === 'instances' ? p.capacity.instanceType : undefined),
    fails: (type) => !INSTANCE_TYPE.test(type),
    message: (type) => `instance type must be an ml.<family>.<size> instance type, but ${type} was provided`,
  }),
  rule({
    value: (p) => (p.capacity.mode === 'instances' ? p.capacity.instanceCount : undefined),
    fails: (n) => !isIntegerIn(n, 1),
    message: (n) => `initial instance count must be 1 or more, but ${n} was provided`,
  }),
  rule({
    value: (p) => (p.capacity.mode === 'serverless' ? p.capacity.memorySizeMb : undefined),
    fails: (mb) => !isIntegerIn(mb, 1024, 6144) || mb % 1024 !== 0,
    message: (mb) => `serverless memory must be 1024 to 6144 mb in steps of 1024, but ${mb} was provided`,
  }),
  rule({
    value: (p) => (p.capacity.mode === 'serverless' ? p.capacity.maxConcurrency : undefined),
    fails: (n) => !isIntegerIn(n, 1, 200),
    message: (n) => `serverless max concurrency must be 1 to 200, but ${n} was provided`,
  }),
  rule({
    value: (p) => (p.capacity.mode === 'serverless' ? p.adapters.length : undefined),
    fails: (n) => n > 0,
    message: (n) => `adapters need instance capacity, but a serverless endpoint with ${n} adapters was provided`,
  }),
  eachRule({
    each: (p) => p.adapters.map((a) => a.artifactUrl),
    fails: (urls) => !urls.every(isS3Url),
    message: (urls) =>
      `adapter artifact urls must be s3:// urls, but ${urls.filter((u) => !isS3Url(u)).join(', ')} was provided`,
  }),
  rule({
    value: (p) => (p.rollout.type === 'canary' ? p.rollout.stepPercent : undefined),
    fails: (pct) => !isIntegerIn(pct, 1, 50),
    message: (pct) => `canary size must be 1 to 50 percent, but ${pct} was provided`,
  }),
  rule({
    value: (p) => (p.rollout.type === 'linear' ? p.rollout.stepPercent : undefined),
    fails: (pct) => !isIntegerIn(pct, 10, 50),
    message: (pct) => `linear step must be 10 to 50 percent, but ${pct} was provided`,
  }),
  rule({
    value: (p) => p.rollout.waitIntervalSeconds,
    fails: (s) => !isIntegerIn(s, 0, 3600),
    message: (s) => `wait interval must be 0 to 3600 seconds, but ${s} was provided`,
  }),
  rule({
    value: (p) => p.rollout.maximumExecutionTimeoutSeconds,
    fails: (s) => !isIntegerIn(s, 600, 14400),
    message: (s) => `maximum execution timeout must be 600 to 14400 seconds, but ${s} was provided`,
  }),
  rule({
    value: (p) => p.rollout.terminationWaitSeconds,
    fails: (s) => !isIntegerIn(s, 0, 3600),
    message: (s) => `termination wait must be 0 to 3600 seconds, but ${s} was provided`,
  }),
  rule({
    value: (p) => p.latencyAlarmMicroseconds,
    fails: (us) => !(Number.isFinite(us) && us > 0),
    message: (us) => `latency alarm threshold must be more than 0 microseconds, but ${us} was provided`,
  }),
];

export const MODEL_PACKAGE_GROUP_RULES: readonly PropsRule<ModelPackageGroupProps>[] = [
  rule({
    value: (p) => p.groupName,
    fails: (name) => !PACKAGE_GROUP_NAME.test(name),
    message: (name) => `package group name must be 1 to 63 letters, digits and hyphens, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.description?.length,
    fails: (n) => n > 1024,
    message: (n) => `description must be at most 1024 characters, but ${n} were provided`,
  }),
];

/** Step Functions' limit on a state machine name (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html). */
const STATE_MACHINE_NAME = /^[a-zA-Z0-9_-]{1,80}$/;

export const MODEL_DEPLOYMENTS_RULES: readonly PropsRule<ModelDeploymentsProps>[] = [
  logRetentionRule((p) => p.logRetentionDays),
  eachRule({
    each: (p) => p.pipelines.map((x) => x.stateMachineName),
    fails: (names) => names.some((n) => !STATE_MACHINE_NAME.test(n)),
    message: (names) =>
      `state machine names must be 1 to 80 letters, digits, hyphens and underscores, but ${names
        .filter((n) => !STATE_MACHINE_NAME.test(n))
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.pipelines.map((x) => x.modelId),
    fails: (ids) => new Set(ids).size !== ids.length,
    message: (ids) => `one pipeline per model, but ${ids.join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.pipelines.map((x) => x.resourceNamePrefix),
    fails: (prefixes) => prefixes.some((x) => !ENDPOINT_NAME.test(x) || x.length > 47),
    message: (prefixes) =>
      `resource name prefixes must be at most 47 letters, digits and hyphens (room for -v<version>-<8 hex>), but ${prefixes.join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.pipelines.map((x) => x.packageGroupName),
    fails: (groups) => groups.some((g) => !PACKAGE_GROUP_NAME.test(g)),
    message: (groups) => `package group names must be valid group names, but ${groups.join(', ')} was provided`,
  }),
];
