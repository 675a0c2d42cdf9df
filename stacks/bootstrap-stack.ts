import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import type { EnvironmentPlan } from '../catalog';
import { projectRoot } from '../catalog/paths';
import { drRegionsOf, replicaBucketName } from '../hosting/sagemaker/dr';
import { ApiGatewayLogging } from '../modules/bootstrap/api-gateway-logging';
import { ArtifactReplication } from '../modules/bootstrap/artifact-replication';
import { deployStatements, pipelineStatements, type ManagedTypes } from '../modules/bootstrap/deploy-permissions';
import { DeployRole, GithubOidcProvider } from '../modules/bootstrap/deploy-role';
import { EvaluationRole } from '../modules/bootstrap/evaluation-role';
import { SYNC_BRANCH, syncStatements } from '../modules/bootstrap/sync-role';
import { evaluationRoleName, githubSubject, s3Bucket } from '../catalog/bootstrap';
import { SecureBucket, type BucketPolicyStatement } from '../modules/bootstrap/secure-bucket';
import { executionRoleName } from '../modules/sagemaker/model-endpoint';
import { drFunctionRoleName } from '../hosting/sagemaker/pipeline';
import { deploySessionSeconds } from './deploy-timeout';

/** One AWS account to bootstrap: the environments (with a bootstrap section) that deploy into it. */
export interface BootstrapAccount {
  readonly account: string;
  /** The stack name: `bootstrap-<account>`. */
  readonly stackName: string;
  /** The account's environments, in plan order: the first one's Region is the stack's. */
  readonly environments: readonly EnvironmentPlan[];
}

/** The stack name of an account's bootstrap. */
export const bootstrapStackName = (account: string): string => `bootstrap-${account}`;

/** The deploy role an environment's workflow assumes (named in .github/workflows/deploy-environment.yml). */
export const deployRoleName = (environment: string): string => `fm-platform-deploy-${environment}`;

/** The read-only role the scheduled catalog sync assumes (named in .github/workflows/catalog-sync.yml via deploy-settings). */
export const syncRoleName = (environment: string): string => `fm-platform-catalog-sync-${environment}`;

/** How long evaluation jobs' datasets and answers stay in the evaluation bucket. */
export const EVALUATION_RETENTION_DAYS = 90;

/** The key of a bootstrap stack's own state once migrated into the state bucket. */
export const BOOTSTRAP_STATE_KEY = 'fm-platform/bootstrap.tfstate';

/** The accounts to bootstrap: each account with at least one environment that has a bootstrap section. */
export function bootstrapAccounts(plans: readonly EnvironmentPlan[]): BootstrapAccount[] {
  const byAccount = new Map<string, EnvironmentPlan[]>();
  for (const plan of plans) {
    if (!plan.bootstrap) continue;
    byAccount.set(plan.account, [...(byAccount.get(plan.account) ?? []), plan]);
  }
  return [...byAccount].map(([account, environments]) => ({
    account,
    stackName: bootstrapStackName(account),
    environments,
  }));
}

/**
 * The roles of a plan that read from a bucket, as ARNs: SageMaker execution roles whose weights are
 * there, and Bedrock customization service roles whose training or validation data is (a bucket of
 * another account lets them read only through its policy).
 */
export function artifactReaders(plan: EnvironmentPlan, bucket: string): string[] {
  const inBucket = (urls: readonly (string | undefined)[]) =>
    urls.some((u) => u !== undefined && s3Bucket(u) === bucket);
  return plan.models.flatMap((m) => {
    const h = m.hosting;
    if (h.type === 'sagemaker' && inBucket([h.modelDataUrl, ...h.adapters.map((a) => a.artifactUrl)]))
      return [
        `arn:aws:iam::${plan.account}:role/${executionRoleName(h.endpointName)}`,
        ...drFunctionReader(plan, m.id, h),
      ];
    if (
      h.type === 'bedrock-custom' &&
      h.customModel.source === 'job' &&
      inBucket([h.customModel.trainingDataS3Uri, h.customModel.validationDataS3Uri])
    )
      return [`arn:aws:iam::${plan.account}:role/${h.customModel.roleName}`];
    return [];
  });
}

/**
 * The DR function of a registry-driven model's pipeline (functions/dr-deploy) reads whether a version's
 * weights reached the replica: HEAD, which the buckets' `s3:GetObject` rules govern like a download
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), so it is one of the readers of
 * both buckets. It downloads nothing.
 */
function drFunctionReader(
  plan: EnvironmentPlan,
  modelId: string,
  h: Extract<EnvironmentPlan['models'][number]['hosting'], { type: 'sagemaker' }>,
): string[] {
  return h.disasterRecovery !== undefined && h.modelRegistry !== undefined
    ? [`arn:aws:iam::${plan.account}:role/${drFunctionRoleName(`fm-${plan.name}`, modelId)}`]
    : [];
}

/** The execution roles of the DR endpoints (hosting/sagemaker/dr.ts) whose weights are in a replica bucket, and their pipelines' DR functions. */
export function drArtifactReaders(plan: EnvironmentPlan, replicaBucket: string): string[] {
  return plan.models.flatMap((m) => {
    const h = m.hosting;
    const dr = h.type === 'sagemaker' ? h.disasterRecovery : undefined;
    return h.type === 'sagemaker' &&
      dr !== undefined &&
      [dr.modelDataUrl, ...dr.adapters.map((a) => a.artifactUrl)].some(
        (u) => u !== undefined && s3Bucket(u) === replicaBucket,
      )
      ? [`arn:aws:iam::${plan.account}:role/${executionRoleName(dr.endpointName)}`, ...drFunctionReader(plan, m.id, h)]
      : [];
  });
}

export interface BootstrapStackProps {
  readonly account: BootstrapAccount;
  /** What each of the account's environment stacks manages, by environment name: its deploy role's permissions. */
  readonly managed: ReadonlyMap<string, ManagedTypes>;
  /** Every plan of the app: environments of other accounts granted read of this account's artifacts bucket. */
  readonly plans: readonly EnvironmentPlan[];
}

/**
 * What an account needs before its environments' first deploy, in one stack per account (its own
 * state, local first, then migrated into the state bucket it creates; README "Set up a new account"):
 * the Terraform state buckets, the GitHub OIDC provider, a deploy role, a catalog-sync role and an evaluation-job role
 * per environment, API Gateway's CloudWatch role for the account, and the account's model-artifacts and evaluation buckets.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { account, environments } = props.account;
    const first = environments[0];
    const settings = first.bootstrap!;
    const tags = { project: 'fm-platform', component: 'bootstrap', 'managed-by': 'cdktf' };
    new AwsProvider(this, 'aws', { region: first.region, allowedAccountIds: [account], defaultTags: [{ tags }] });
    const providers = new Map<string, AwsProvider | undefined>([[first.region, undefined]]);
    const providerIn = (region: string): AwsProvider | undefined => {
      if (!providers.has(region))
        providers.set(
          region,
          new AwsProvider(this, `aws-${region}`, {
            alias: region,
            region,
            allowedAccountIds: [account],
            defaultTags: [{ tags }],
          }),
        );
      return providers.get(region);
    };

    // Its own state: a local file on the first apply (the bucket does not exist yet), then the bucket.
    const stateBucket = first.stateBackend;
    if (settings.state === 'bucket') {
      new S3Backend(this, {
        bucket: stateBucket.bucket,
        key: BOOTSTRAP_STATE_KEY,
        region: stateBucket.region,
        encrypt: true,
      });
      // S3-native locking needs Terraform >= 1.10 (https://developer.hashicorp.com/terraform/language/backend/s3#state-locking).
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      new LocalBackend(this, { path: join(projectRoot, `terraform.${id}.tfstate`) });
    }

    // The Terraform state of every environment of the account (and, once migrated, of this stack).
    const stateBuckets = new Map<string, string>();
    for (const env of environments) stateBuckets.set(env.stateBackend.bucket, env.stateBackend.region);
    const stateBucketNames: string[] = [];
    for (const [bucketName, region] of stateBuckets) {
      const bucket = new SecureBucket(this, `StateBucket-${bucketName}`, {
        bucketName,
        sseAlgorithm: 'aws:kms',
        provider: providerIn(region),
      });
      stateBucketNames.push(bucket.bucketName);
    }

    // GitHub OIDC and one deploy role per environment, its permissions generated from its stack.
    const oidc = new GithubOidcProvider(this, 'GithubOidc');
    const roles = environments.map((env) => {
      const managed = props.managed.get(env.name);
      if (!managed) throw new Error(`internal error: no managed types for environment ${env.name}`);
      const scope = {
        environment: env.name,
        account,
        region: env.region,
        regions: [env.region, ...env.failoverRegions],
        prefix: `fm-${env.name}`,
      };
      return new DeployRole(this, `DeployRole-${env.name}`, {
        roleName: deployRoleName(env.name),
        oidcProviderArn: oidc.arn,
        githubSubject: env.bootstrap!.github.subject,
        statements: [...deployStatements(managed, scope), ...pipelineStatements(scope, env.stateBackend)],
        maxSessionSeconds: deploySessionSeconds(env),
      });
    });

    // The catalog sync's read-only role per environment: only this repository's runs on the default
    // branch (the scheduled workflow's sub claim is repo:<owner>/<repo>:ref:refs/heads/<default branch>,
    // https://docs.github.com/en/actions/reference/openid-connect-reference#example-subject-claims).
    const syncRoles = environments.map(
      (env) =>
        new DeployRole(this, `SyncRole-${env.name}`, {
          roleName: syncRoleName(env.name),
          oidcProviderArn: oidc.arn,
          githubSubject: githubSubject(env.bootstrap!.github.repository, { branch: SYNC_BRANCH }),
          statements: syncStatements({ account, regions: [env.region, ...env.failoverRegions] }),
        }),
    );

    // API Gateway's CloudWatch role, in every Region an environment of the account serves its API from.
    const logging = new ApiGatewayLogging(this, 'ApiGatewayLogging', {
      roleName: 'fm-platform-apigateway-cloudwatch',
      providers: [...new Set(environments.map((e) => e.region))].map((region) => ({
        region,
        provider: providerIn(region),
      })),
    });

    // The account's model artifacts: read only by the SageMaker execution roles of the environments
    // whose weights are in it, here or in accounts granted read (grantRead).
    const artifactsBucket = settings.modelArtifactsBucket;
    const granted = props.plans.filter(
      (p) => p.account !== account && environments.some((e) => e.bootstrap!.grantRead.includes(p.name)),
    );
    const readers = [...environments, ...granted].flatMap((p) => artifactReaders(p, artifactsBucket)).sort();
    const artifacts = new SecureBucket(this, 'ModelArtifacts', {
      bucketName: artifactsBucket,
      // Readable across accounts: SSE-S3, since the AWS managed KMS key's policy cannot grant other accounts
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
      sseAlgorithm: 'AES256',
      statements: artifactStatements(`arn:aws:s3:::${artifactsBucket}`, readers),
    });

    // A replica of the artifacts bucket in each Region where the account's environments run a SageMaker
    // DR endpoint (SageMaker reads weights from its own Region only), read by those endpoints' roles.
    const drRegions = [...new Set(environments.flatMap((e) => drRegionsOf(e)))].sort();
    const replication =
      drRegions.length > 0
        ? new ArtifactReplication(this, 'ModelArtifactsReplication', {
            source: artifacts,
            roleName: 'fm-platform-model-artifacts-replication',
            replicas: drRegions.map((region) => {
              const bucketName = replicaBucketName(artifactsBucket, region);
              const drReaders = environments.flatMap((p) => drArtifactReaders(p, bucketName)).sort();
              return {
                region,
                bucketName,
                provider: providerIn(region),
                statements: artifactStatements(`arn:aws:s3:::${bucketName}`, drReaders),
              };
            }),
          })
        : undefined;

    // Bedrock model evaluation jobs: one bucket per account (in the first environment's Region: a job
    // reads and writes S3 in its own Region), a prefix and a service role per environment.
    const evaluationBucket = new SecureBucket(this, 'Evaluation', { bucketName: settings.evaluationBucket });
    new S3BucketLifecycleConfiguration(this, 'EvaluationRetention', {
      bucket: evaluationBucket.bucketName,
      // Datasets and answers are prompt text: kept 90 days, like the platform's logs at most
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html).
      rule: [
        {
          id: 'expire-evaluation-jobs',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: EVALUATION_RETENTION_DAYS }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [evaluationBucket.versioning],
    });
    const evaluationRoles = environments.map(
      (env) =>
        new EvaluationRole(this, `EvaluationRole-${env.name}`, {
          roleName: evaluationRoleName(env.name),
          scope: {
            account,
            region: env.region,
            bucket: evaluationBucket.bucketName,
            prefix: `${env.name}/`,
            invocations: env.models.flatMap((m) =>
              m.hosting.type === 'bedrock'
                ? m.hosting.invocations
                    .filter((i) => i.region === env.region)
                    .map((i) => ({ profileArn: i.profile?.arn, foundationModelArns: i.foundationModelArns }))
                : [],
            ),
          },
        }),
    );

    new TerraformOutput(this, 'state_bucket_names', { value: stateBucketNames });
    new TerraformOutput(this, 'deploy_role_arns', {
      value: Object.fromEntries(roles.map((r, i) => [environments[i].name, r.roleArn])),
    });
    new TerraformOutput(this, 'sync_role_arns', {
      value: Object.fromEntries(syncRoles.map((r, i) => [environments[i].name, r.roleArn])),
    });
    new TerraformOutput(this, 'evaluation_role_arns', {
      value: Object.fromEntries(evaluationRoles.map((r, i) => [environments[i].name, r.roleArn])),
    });
    new TerraformOutput(this, 'evaluation_bucket_name', { value: evaluationBucket.bucketName });
    new TerraformOutput(this, 'github_oidc_provider_arn', { value: oidc.arn });
    new TerraformOutput(this, 'apigateway_cloudwatch_role_arn', { value: logging.roleArn });
    new TerraformOutput(this, 'model_artifacts_bucket_name', { value: artifacts.bucketName });
    if (replication)
      new TerraformOutput(this, 'model_artifacts_replica_bucket_names', { value: replication.replicaBucketNames });
  }
}

/**
 * The artifacts bucket's policy: its readers may list and get (the account root as principal, the
 * role in a condition: a role that does not exist yet is a valid condition value, though not a valid
 * principal, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles),
 * and everyone else is refused GetObject.
 */
export function artifactStatements(bucketArn: string, readerRoleArns: readonly string[]): BucketPolicyStatement[] {
  const objects = `${bucketArn}/*`;
  if (readerRoleArns.length === 0)
    return [{ sid: 'NoReaders', effect: 'Deny', principals: ['*'], actions: ['s3:GetObject'], resources: [objects] }];
  const accounts = [...new Set(readerRoleArns.map((arn) => arn.split(':')[4]))].sort();
  return [
    {
      sid: 'ExecutionRolesRead',
      effect: 'Allow',
      principals: accounts.map((a) => `arn:aws:iam::${a}:root`),
      actions: ['s3:GetObject', 's3:ListBucket'],
      resources: [bucketArn, objects],
      conditions: [{ test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [...readerRoleArns] }],
    },
    {
      sid: 'OnlyExecutionRolesRead',
      effect: 'Deny',
      principals: ['*'],
      actions: ['s3:GetObject'],
      resources: [objects],
      conditions: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [...readerRoleArns] }],
    },
  ];
}
