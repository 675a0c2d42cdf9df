import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  UpdateEndpointCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  DR_DEPLOY_ACTIONS,
  DR_DEPLOY_ERRORS,
  MODEL_PACKAGE_ENV,
  imageInRegion,
  replicaOf,
  type CreateModelFromPackageInput,
  type DrDeployAction,
  type DrDeployConfig,
  type DrDeployRequest,
} from '../../contracts/dr-deployment';

/*
 * The deployment pipeline's calls in the DR Region (contracts/dr-deployment.ts says why a function
 * makes them): each action is one SageMaker or CloudWatch call there, answered in the API's own shape,
 * as a Step Functions SDK integration would answer it; `createModelFromPackage` copies a version of the
 * primary Region's registry into a model of the DR Region once its weights are replicated.
 */

/** The clients of a Region: built by index.ts from the SDK's defaults, by the tests against loopback servers. */
export interface RegionClients {
  readonly sagemaker: (region: string) => SageMakerClient;
  readonly cloudwatch: (region: string) => CloudWatchClient;
  readonly s3: (region: string) => S3Client;
}

/** An error Step Functions matches by name: the function's own, or the service's as its SDK integration names it. */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** `<Service>.<Exception>`, the suffix added where the API's own name lacks it, as Step Functions names an SDK integration's errors. */
function serviceError(service: string, err: unknown): Error {
  if (err instanceof TaskError) return err;
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return new TaskError(`${service}.${name.endsWith('Exception') ? name : `${name}Exception`}`, message);
}

/** The SDK's answer as Step Functions returns it: without `$metadata`, timestamps as text. */
const plain = (out: object): unknown => {
  const rest: Record<string, unknown> = { ...(out as Record<string, unknown>) };
  delete rest.$metadata;
  return JSON.parse(JSON.stringify(rest)) as unknown;
};

const s3Parts = (url: string) => {
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return { bucket: rest.slice(0, slash < 0 ? rest.length : slash), key: slash < 0 ? '' : rest.slice(slash + 1) };
};

const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';

/** Objects checked at once: a model's weights are tens of files, each one HEAD in each Region. */
const CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

export function createHandler(config: DrDeployConfig, clients: RegionClients) {
  const sagemaker = clients.sagemaker(config.region);
  const cloudwatch = clients.cloudwatch(config.region);
  const call = async (service: 'SageMaker' | 'CloudWatch', send: () => Promise<object>) => {
    try {
      return plain(await send());
    } catch (err) {
      throw serviceError(service, err);
    }
  };

  /**
   * Whether every object of the version's weights is in the DR Region. S3 reports replication on the
   * source object (`x-amz-replication-status`: PENDING, COMPLETED, FAILED,
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html); an object older
   * than the replication rule has no status, and counts when the replica holds it with the same size.
   */
  async function assertReplicated(sourceUrl: string, replicaUrl: string, sourceRegion: string): Promise<void> {
    const source = s3Parts(sourceUrl);
    const replica = s3Parts(replicaUrl);
    const primaryS3 = clients.s3(sourceRegion);
    const drS3 = clients.s3(config.region);
    const keys: string[] = [];
    if (source.key === '' || source.key.endsWith('/')) {
      let token: string | undefined;
      do {
        const page = await primaryS3
          .send(new ListObjectsV2Command({ Bucket: source.bucket, Prefix: source.key, ContinuationToken: token }))
          .catch((err: unknown) => {
            throw serviceError('S3', err);
          });
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      if (keys.length === 0)
        throw new TaskError(
          DR_DEPLOY_ERRORS.notReplicated,
          `${sourceUrl} holds no object: the version has no weights there`,
        );
    } else keys.push(source.key);
    const pending: string[] = [];
    const missing: string[] = [];
    await eachLimited(keys, async (key) => {
      const head = await primaryS3
        .send(new HeadObjectCommand({ Bucket: source.bucket, Key: key }))
        .catch((err: unknown) => {
          throw serviceError('S3', err);
        });
      const status = head.ReplicationStatus as string | undefined;
      if (status === 'COMPLETED' || status === 'COMPLETE') return;
      if (status === 'PENDING') return void pending.push(key);
      if (status === 'FAILED') return void missing.push(`${key} (replication FAILED)`);
      const replicaKey = replica.key + key.slice(source.key.length);
      const copy = await drS3
        .send(new HeadObjectCommand({ Bucket: replica.bucket, Key: replicaKey }))
        .catch(() => undefined);
      if (copy === undefined || copy.ContentLength !== head.ContentLength)
        missing.push(
          `${key} (no replication status, and ${copy === undefined ? 'absent from' : 'of another size in'} the replica)`,
        );
    });
    if (missing.length > 0)
      throw new TaskError(
        DR_DEPLOY_ERRORS.notReplicated,
        `${missing.length} of ${keys.length} objects under ${sourceUrl} are not in ${replicaUrl}: ${missing.slice(0, 3).join('; ')}` +
          ' (objects written before the replication rule need S3 Batch Replication: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html)',
      );
    if (pending.length > 0)
      throw new TaskError(
        DR_DEPLOY_ERRORS.replicaPending,
        `${pending.length} of ${keys.length} objects under ${sourceUrl} are still replicating to ${config.region} (${pending[0]} …)`,
      );
  }

  async function createModelFromPackage(input: CreateModelFromPackageInput): Promise<unknown> {
    const arn = input.ModelPackageName;
    if (typeof arn !== 'string' || !arn.startsWith(config.packageArnPrefix))
      throw new TaskError(DR_DEPLOY_ERRORS.refused, `${String(arn)} is not a version of ${config.packageArnPrefix}`);
    const sourceRegion = regionOfArn(arn);
    const pkg = (await call('SageMaker', () =>
      clients.sagemaker(sourceRegion).send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
    )) as { InferenceSpecification?: { Containers?: Record<string, unknown>[] } };
    const containers = pkg.InferenceSpecification?.Containers ?? [];
    if (containers.length !== 1)
      throw new TaskError(
        DR_DEPLOY_ERRORS.refused,
        `${arn} has ${containers.length} containers: the DR endpoint copies a version of exactly one`,
      );
    const c = containers[0] as {
      Image?: string;
      ModelDataUrl?: string;
      ModelDataSource?: { S3DataSource?: { S3Uri?: string; S3DataType?: string; CompressionType?: string } };
      Environment?: Record<string, string>;
    };
    const image = c.Image !== undefined ? imageInRegion(c.Image, config.region) : undefined;
    if (image === undefined)
      throw new TaskError(DR_DEPLOY_ERRORS.refused, `${arn}: its image ${String(c.Image)} is not an Amazon ECR image`);
    const dataUrl = c.ModelDataSource?.S3DataSource?.S3Uri ?? c.ModelDataUrl;
    if (dataUrl === undefined) throw new TaskError(DR_DEPLOY_ERRORS.refused, `${arn} names no model data`);
    const replica = replicaOf(dataUrl, config.artifacts);
    if (replica === undefined)
      throw new TaskError(
        DR_DEPLOY_ERRORS.refused,
        `${arn}: its weights ${dataUrl} are outside what the DR endpoint reads (${config.artifacts.map((a) => a.source).join(', ')}): register versions under that prefix`,
      );
    await assertReplicated(dataUrl, replica, sourceRegion);
    const data =
      c.ModelDataSource?.S3DataSource !== undefined
        ? { ModelDataSource: { S3DataSource: { ...c.ModelDataSource.S3DataSource, S3Uri: replica } } }
        : { ModelDataUrl: replica };
    return call('SageMaker', () =>
      sagemaker.send(
        new CreateModelCommand({
          ModelName: input.ModelName,
          ExecutionRoleArn: input.ExecutionRoleArn,
          EnableNetworkIsolation: input.EnableNetworkIsolation,
          PrimaryContainer: {
            Image: image,
            ...(data as object),
            // The version's own variables, then the environment's, as a model made from the package would have them.
            Environment: { ...(c.Environment ?? {}), ...input.Environment, [MODEL_PACKAGE_ENV]: arn },
          },
        }),
      ),
    );
  }

  const actions: Record<DrDeployAction, (input: Record<string, unknown>) => Promise<unknown>> = {
    describeEndpoint: (i) => call('SageMaker', () => sagemaker.send(new DescribeEndpointCommand(i as never))),
    describeEndpointConfig: (i) =>
      call('SageMaker', () => sagemaker.send(new DescribeEndpointConfigCommand(i as never))),
    describeModel: (i) => call('SageMaker', () => sagemaker.send(new DescribeModelCommand(i as never))),
    createEndpointConfig: (i) => call('SageMaker', () => sagemaker.send(new CreateEndpointConfigCommand(i as never))),
    updateEndpoint: (i) => call('SageMaker', () => sagemaker.send(new UpdateEndpointCommand(i as never))),
    describeAlarms: (i) => call('CloudWatch', () => cloudwatch.send(new DescribeAlarmsCommand(i as never))),
    createModelFromPackage: (i) => createModelFromPackage(i as unknown as CreateModelFromPackageInput),
  };

  return async (request: DrDeployRequest): Promise<unknown> => {
    const action = request?.action;
    if (!(DR_DEPLOY_ACTIONS as readonly string[]).includes(action))
      throw new TaskError(
        DR_DEPLOY_ERRORS.refused,
        `unknown action ${String(action)}: one of ${DR_DEPLOY_ACTIONS.join(', ')}`,
      );
    return actions[action](request.input ?? {});
  };
}
