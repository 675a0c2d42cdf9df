/**
 * What the deployment pipeline (workflows/deployment-workflow.ts) and its DR function
 * (functions/dr-deploy) agree on: how the pipeline's DR phase makes its calls in the DR Region.
 *
 * Why a function at all: a Step Functions AWS SDK integration calls the service in the state machine's
 * own Region, and cross-Region calls are not supported by it (the reason the AWS CDK ships
 * `CallAwsServiceCrossRegion`, a Lambda function, https://github.com/aws/aws-cdk/pull/30061). So the
 * pipeline runs in the primary Region and hands each DR-Region call to this function, which makes
 * exactly the SageMaker and CloudWatch calls of one DR endpoint, and one translation the Regional Model
 * Registry needs: a model package of the primary Region, created as a model in the DR Region from the
 * Region-local copies of its image and weights.
 *
 * Written by: modules/sagemaker/model-deployments.ts (the function's configuration, `FM_DR_DEPLOY`) and
 * workflows/deployment-workflow.ts (each request). Read by: functions/dr-deploy.
 */

/** The function's configuration, JSON in this environment variable. */
export const DR_DEPLOY_CONFIG_ENV = 'FM_DR_DEPLOY';

export interface DrDeployConfig {
  /** The DR Region: every SageMaker and CloudWatch call but DescribeModelPackage is made there. */
  readonly region: string;
  /** `arn:aws:sagemaker:<primary region>:<account>:model-package/<group>/`: the versions it may copy. */
  readonly packageArnPrefix: string;
  /**
   * What the DR endpoint's execution role reads: each prefix of the primary Region's artifacts bucket
   * (`s3://<bucket>/<prefix>/`) and its replica in the DR Region (S3 Cross-Region Replication, made by
   * the bootstrap stack). A version whose weights are elsewhere is refused: nothing replicates them.
   */
  readonly artifacts: readonly { readonly source: string; readonly replica: string }[];
}

/** The calls the function makes for the pipeline, in Step Functions' SDK-integration naming (camelCase). */
export const DR_DEPLOY_ACTIONS = [
  'describeEndpoint',
  'describeEndpointConfig',
  'describeModel',
  'createEndpointConfig',
  'updateEndpoint',
  'describeAlarms',
  /** CreateModel in the DR Region from a model package of the primary Region (see `createModelFromPackage`). */
  'createModelFromPackage',
] as const;
export type DrDeployAction = (typeof DR_DEPLOY_ACTIONS)[number];

/** One request: the action and its input in the API's own PascalCase shape. */
export interface DrDeployRequest {
  readonly action: DrDeployAction;
  readonly input: Record<string, unknown>;
}

/**
 * `createModelFromPackage`'s input: CreateModel's fields, with the primary Region's package ARN in
 * place of a container. The function reads the version's container there (DescribeModelPackage), and
 * creates the model with the image of the same repository in the DR Region, the replica of its weights,
 * and the version's ARN in `FM_MODEL_PACKAGE_ARN` of its environment, which is how the pipeline and
 * `npm run promote -- --check` tell which version a DR model is (a DR model names no package: packages
 * are Regional).
 */
export interface CreateModelFromPackageInput {
  readonly ModelName: string;
  readonly ExecutionRoleArn: string;
  readonly EnableNetworkIsolation: boolean;
  readonly Environment: Readonly<Record<string, string>>;
  readonly ModelPackageName: string;
}

/** The container variable naming the version a DR model was made from. */
export const MODEL_PACKAGE_ENV = 'FM_MODEL_PACKAGE_ARN';

/**
 * The function's own errors (a thrown error's name is the error Step Functions matches in Retry and
 * Catch); SageMaker's and CloudWatch's errors keep their Step Functions names, `SageMaker.<Exception>`.
 */
export const DR_DEPLOY_ERRORS = {
  /** Some object of the version's weights is not in the DR Region yet: the pipeline waits and asks again. */
  replicaPending: 'DisasterRecovery.ReplicaPending',
  /** S3 reports the replication of an object failed, or an object is not in the replica at all. */
  notReplicated: 'DisasterRecovery.NotReplicated',
  /** A request the function does not make: an unknown action, another group's version, weights outside the replicated prefixes. */
  refused: 'DisasterRecovery.Refused',
} as const;

/**
 * The same image in another Region: an Amazon ECR image is Regional
 * (`<registry>.dkr.ecr.<region>.amazonaws.com/<repository>…`), and SageMaker pulls only from its own
 * Region ("the Docker image for inference container in Amazon EC2 Container Registry must be in the same
 * region as the model or endpoint you are creating",
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html). AWS's Deep
 * Learning Containers (the LMI images) are published under the same account in each Region; a team's own
 * image needs ECR replication to the DR Region
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html). Undefined for an image that
 * is not an ECR image.
 */
export function imageInRegion(image: string, region: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/(.+)$/.exec(image);
  return m ? `${m[1]}.dkr.ecr.${region}.amazonaws.com${m[3] ?? ''}/${m[4]}` : undefined;
}

/** The replica of an S3 URL under one of the replicated prefixes, or undefined when none holds it. */
export function replicaOf(url: string, artifacts: DrDeployConfig['artifacts']): string | undefined {
  const hit = artifacts.find((a) => url.startsWith(a.source));
  return hit ? hit.replica + url.slice(hit.source.length) : undefined;
}
