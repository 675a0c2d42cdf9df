import type { Environment } from '../schemas/generated/environment';

/**
 * What an environment file's `bootstrap` section resolves to: the settings of its account's
 * bootstrap stack that concern this environment. One place for the defaults, shared by the rules,
 * the plan and the stacks.
 */
export interface PlannedBootstrap {
  /** GitHub OIDC: the repository and the `sub` claim a deploy job of this environment presents. */
  readonly github: { readonly repository: string; readonly subject: string };
  /** Where the bootstrap stack keeps its own state: local until migrated into the state bucket. */
  readonly state: 'local' | 'bucket';
  /** The account's model-artifacts bucket, made by the bootstrap stack. */
  readonly modelArtifactsBucket: string;
  /** Environments of other accounts whose SageMaker execution roles may read that bucket. */
  readonly grantRead: readonly string[];
  /** The account's evaluation bucket (Bedrock model evaluation jobs), made by the bootstrap stack. */
  readonly evaluationBucket: string;
}

/** The default artifacts bucket of an account: bucket names are global, so the account id keeps it unique. */
export function defaultArtifactsBucket(account: string): string {
  return `fm-platform-model-artifacts-${account}`;
}

/** The artifacts bucket of an environment's account (the bootstrap's, whether or not the file has the section). */
export function artifactsBucketOf(env: Environment): string {
  return env.bootstrap?.modelArtifacts?.bucket ?? defaultArtifactsBucket(env.account);
}

/** The default evaluation bucket of an account. */
export function defaultEvaluationBucket(account: string): string {
  return `fm-platform-evaluation-${account}`;
}

/** The evaluation bucket of an environment's account. */
export function evaluationBucketOf(env: Environment): string {
  return env.bootstrap?.evaluation?.bucket ?? defaultEvaluationBucket(env.account);
}

/** The service role an environment's Bedrock evaluation jobs run as (the bootstrap stack makes it). */
export const evaluationRoleName = (environment: string): string => `fm-platform-evaluation-${environment}`;

/**
 * Where an environment's Bedrock evaluation jobs read and write (`s3://<evaluation bucket>/<env>`:
 * its role may read under `<env>/` and write under `<env>/output/`) and the role they run as, when
 * its account has a bootstrap stack to make them.
 */
export function evaluationJobDefaults(env: {
  readonly name: string;
  readonly account: string;
  readonly bootstrap?: PlannedBootstrap;
}): { bucketUri: string; roleArn: string } | undefined {
  if (env.bootstrap === undefined) return undefined;
  return {
    bucketUri: `s3://${env.bootstrap.evaluationBucket}/${env.name}`,
    roleArn: `arn:aws:iam::${env.account}:role/${evaluationRoleName(env.name)}`,
  };
}

/**
 * The `sub` claim of GitHub's OIDC token for a deploy job: `repo:<owner>/<repo>:environment:<name>`
 * for a job with `environment:`, else `repo:<owner>/<repo>:ref:refs/heads/<branch>`.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
export function githubSubject(repository: string, target: { environment: string } | { branch: string }): string {
  return 'branch' in target
    ? `repo:${repository}:ref:refs/heads/${target.branch}`
    : `repo:${repository}:environment:${target.environment}`;
}

/** The section resolved with its defaults, or nothing when the file has none. */
export function plannedBootstrap(env: Environment): PlannedBootstrap | undefined {
  const b = env.bootstrap;
  if (!b) return undefined;
  return {
    github: {
      repository: b.github.repository,
      subject: githubSubject(
        b.github.repository,
        b.github.branch !== undefined ? { branch: b.github.branch } : { environment: b.github.environment ?? env.name },
      ),
    },
    state: b.state ?? 'local',
    modelArtifactsBucket: artifactsBucketOf(env),
    grantRead: b.modelArtifacts?.grantRead ?? [],
    evaluationBucket: evaluationBucketOf(env),
  };
}

/** The bucket of an s3:// URI. */
export function s3Bucket(url: string): string {
  return url.slice('s3://'.length).split('/')[0];
}
