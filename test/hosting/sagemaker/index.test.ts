import { sagemakerKind } from '../../../hosting/sagemaker';
import type { Environment } from '../../../schemas/generated/environment';
import { bareReport, hostedModel } from '../../support/kinds';
import { shippedCatalog, shippedEnvironments } from '../../support/project';

const catalog = shippedCatalog();
const envs = shippedEnvironments();
const lora = hostedModel(catalog, 'llama-3-8b-support-lora', 'sagemaker');
const ENDPOINT = 'fm-prod-llama-3-8b-support-lora';
/** prod's DR endpoint in us-west-2 (sagemaker.disasterRecovery). */
const DR_ENDPOINT = 'fm-prod-llama-3-8b-support-lora-dr';

/** An environment with its own SageMaker section. */
const withSagemaker = (env: Environment, sagemaker: Environment['sagemaker']): Environment => ({ ...env, sagemaker });

describe('the sagemaker hosting kind', () => {
  it("resolves the environment's endpoint: its name, the registry version, the adapters, the capacity and roll-out", () => {
    const hosting = sagemakerKind.resolve(lora, envs.prod);
    expect(hosting).toMatchObject({
      type: 'sagemaker',
      region: 'us-east-1',
      endpointName: ENDPOINT,
      modelRegistry: { packageGroup: 'fm-llama-3-8b-support-lora', owned: true, version: 3, initialVersion: 3 },
      adapters: [{ name: 'support-tone' }, { name: 'billing-faq' }],
      capacity: { mode: 'instances', instanceType: 'ml.g5.2xlarge', instanceCount: 2, instanceHourUsd: 1.515 },
      rollout: { type: 'canary', stepPercent: 50 },
    });
  });

  it('follows latest-approved where the catalog says so, first creating the endpoint with approvedVersion', () => {
    expect(sagemakerKind.resolve(lora, envs.dev).modelRegistry).toEqual({
      packageGroup: 'fm-llama-3-8b-support-lora',
      owned: true,
      version: 'latest-approved',
      initialVersion: 3,
      initialPackageArn: 'arn:aws:sagemaker:us-east-1:111111111111:model-package/fm-llama-3-8b-support-lora/3',
    });
  });

  it('references a group a training pipeline made instead of the namespaced default', () => {
    const external = {
      ...lora,
      hosting: {
        ...lora.hosting,
        modelRegistry: { owner: 'external' as const, packageGroup: 'llama-3-support', approvedVersion: 4 },
      },
    };
    expect(sagemakerKind.resolve(external, envs.prod).modelRegistry).toMatchObject({
      packageGroup: 'llama-3-support',
      owned: false,
      version: 4,
      initialPackageArn: 'arn:aws:sagemaker:us-east-1:333333333333:model-package/llama-3-support/4',
    });
  });

  it("prices an environment's other instance type only with its own price, never the catalog's", () => {
    const env = withSagemaker(envs.staging, {
      endpoints: { [lora.id]: { mode: 'instances', instanceType: 'ml.g5.4xlarge' } },
    });
    expect(sagemakerKind.resolve(lora, env).capacity).toEqual({
      mode: 'instances',
      instanceType: 'ml.g5.4xlarge',
      instanceCount: 1,
    });
    const priced = withSagemaker(envs.staging, {
      endpoints: { [lora.id]: { mode: 'instances', instanceType: 'ml.g5.4xlarge', instanceHourUsd: 2.03 } },
    });
    expect(sagemakerKind.resolve(lora, priced).capacity).toEqual({
      mode: 'instances',
      instanceType: 'ml.g5.4xlarge',
      instanceCount: 1,
      instanceHourUsd: 2.03,
    });
  });

  it('fails to resolve a serverless endpoint the rules did not size (a bug, not a catalog error)', () => {
    const env = withSagemaker(envs.staging, { endpoints: { [lora.id]: { mode: 'serverless', maxConcurrency: 2 } } });
    expect(() => sagemakerKind.resolve(lora, env)).toThrow(
      'internal error: memorySizeMb of llama-3-8b-support-lora is missing after validation',
    );
  });

  it('resolves the DR endpoint in the failover Region, reading the weights from the replica bucket there', () => {
    expect(sagemakerKind.resolve(lora, envs.prod).disasterRecovery).toEqual({
      region: 'us-west-2',
      endpointName: DR_ENDPOINT,
      // The same LMI image, from its repository in the DR Region: SageMaker pulls only from its own Region.
      image: '763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124',
      modelDataUrl: 's3://fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/',
      adapters: [
        {
          name: 'support-tone',
          artifactUrl:
            's3://fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/adapters/support-tone/',
        },
        {
          name: 'billing-faq',
          artifactUrl:
            's3://fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/adapters/billing-faq/',
        },
      ],
    });
    expect(sagemakerKind.resolve(lora, envs.staging)).not.toHaveProperty('disasterRecovery');
  });

  it('gives the router its endpoint, then its DR endpoint, and adapters; the workflows reach it through the router', () => {
    const hosting = sagemakerKind.resolve(lora, envs.prod);
    expect(sagemakerKind.routingTableEntry(hosting, lora.id)).toEqual({
      hosting: 'sagemaker',
      targets: [
        { region: 'us-east-1', id: ENDPOINT },
        { region: 'us-west-2', id: DR_ENDPOINT },
      ],
      adapters: [{ name: 'support-tone' }, { name: 'billing-faq' }],
    });
    expect(sagemakerKind.routingTableEntry({ ...hosting, adapters: [] }, lora.id)).not.toHaveProperty('adapters');
    expect(sagemakerKind.workflowInvocation(hosting, 'us-east-1')).toEqual({
      region: 'us-east-1',
      via: 'router',
      foundationModelArns: [],
    });
  });

  it('shows the audit its endpoint, capacity and roll-out, and its cost by the instance-hour', () => {
    const hosting = sagemakerKind.resolve(lora, envs.prod);
    expect(sagemakerKind.auditRow(hosting)).toEqual({
      regions: ['us-east-1', 'us-west-2'],
      invokeIds: [ENDPOINT, DR_ENDPOINT],
      inferenceProfile: null,
      placements: [
        { calledIn: 'us-east-1', invokeId: ENDPOINT, profile: null, runsIn: ['us-east-1'] },
        { calledIn: 'us-west-2', invokeId: DR_ENDPOINT, profile: null, runsIn: ['us-west-2'] },
      ],
    });
    expect(sagemakerKind.endpointRow(hosting)).toEqual({
      endpointName: ENDPOINT,
      capacity: '2 × ml.g5.2xlarge',
      rollout: 'blue/green canary 50%, bake 600 s, alarm rollback',
      adapters: ['support-tone', 'billing-faq'],
      disasterRecovery: `${DR_ENDPOINT} in us-west-2, same capacity`,
    });
    // The DR endpoint's instances run all month too.
    expect(sagemakerKind.standingCost(hosting)).toEqual({
      resource: `${ENDPOINT} + ${DR_ENDPOINT}`,
      capacity: '2 × ml.g5.2xlarge in us-east-1 + 2 × ml.g5.2xlarge in us-west-2',
      hourlyUsd: 6.06,
      note: 'includes the DR endpoint in us-west-2 at the us-east-1 instance-hour price',
    });
    expect(sagemakerKind.standingCost({ ...hosting, disasterRecovery: undefined })).toEqual({
      resource: ENDPOINT,
      capacity: '2 × ml.g5.2xlarge',
      hourlyUsd: 3.03,
    });
  });

  it('says when its cost by the hour cannot be estimated', () => {
    const unpriced = sagemakerKind.resolve(
      lora,
      withSagemaker(envs.staging, { endpoints: { [lora.id]: { mode: 'instances', instanceType: 'ml.g5.4xlarge' } } }),
    );
    expect(sagemakerKind.standingCost(unpriced)).toEqual({
      resource: 'fm-staging-llama-3-8b-support-lora',
      capacity: '1 × ml.g5.4xlarge',
      hourlyUsd: null,
      note: 'no price for ml.g5.4xlarge: set instanceHourUsd in the environment',
    });
    const serverless = sagemakerKind.resolve(
      { ...lora, hosting: { ...lora.hosting, adapters: [] } },
      withSagemaker(envs.staging, {
        endpoints: { [lora.id]: { mode: 'serverless', memorySizeMb: 6144, maxConcurrency: 5 } },
      }),
    );
    expect(sagemakerKind.standingCost(serverless)).toEqual({
      resource: 'fm-staging-llama-3-8b-support-lora',
      capacity: 'serverless 6144 MB',
      hourlyUsd: null,
      note: 'billed per inference second; not estimated',
    });
    expect(sagemakerKind.endpointRow(serverless)?.capacity).toBe('serverless, 6144 MB, 5 concurrent');
  });

  it('fails pricing without an instance-hour price', () => {
    expect(
      sagemakerKind
        .pricingIssues({ ...lora, pricing: { source: 'test', asOf: '2026-11-01' } }, bareReport)
        .map((i) => [i.pointer, i.message]),
    ).toEqual([
      ['/pricing', 'SageMaker model "llama-3-8b-support-lora" has no instanceHourUsd, so its cost cannot be estimated'],
    ]);
    expect(sagemakerKind.pricingIssues(lora, bareReport)).toEqual([]);
  });

  it('fails roll-outs without the step their shape needs, or below the linear minimum', () => {
    const rollout = (r: NonNullable<Environment['sagemaker']>['rollout']) =>
      sagemakerKind
        .rolloutIssues(withSagemaker(envs.prod, { rollout: r }), bareReport)
        .map((i) => [i.pointer, i.message]);
    expect(rollout({ type: 'canary' })).toEqual([
      ['/sagemaker/rollout', 'a canary endpoint roll-out needs stepPercent'],
    ]);
    expect(rollout({ type: 'linear', stepPercent: 5 })).toEqual([
      ['/sagemaker/rollout/stepPercent', "linear steps of 5% are below SageMaker's minimum of 10%"],
    ]);
    expect(rollout({ type: 'linear', stepPercent: 10 })).toEqual([]);
    expect(sagemakerKind.rolloutIssues(envs.prod, bareReport)).toEqual([]);
  });

  it('names the models an environment sizes, is served wherever an environment deploys it, and counts its catalog instances', () => {
    expect(sagemakerKind.environmentReferences(envs.prod)).toEqual([
      { id: lora.id, path: ['sagemaker', 'endpoints', lora.id] },
    ]);
    expect(sagemakerKind.servedIn(lora.hosting, 'eu-west-3')).toEqual({ served: true });
    expect(sagemakerKind.homeRegion(lora.hosting)).toBeUndefined();
    expect(sagemakerKind.catalogInstanceCount(lora.hosting)).toBe(1);
    expect(sagemakerKind.catalogInstanceCount({ ...lora.hosting, instanceCount: 3 })).toBe(3);
  });
});
