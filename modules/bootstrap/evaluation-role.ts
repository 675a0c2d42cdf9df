import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { RolePolicy, type PolicyStatement } from '../iam/role-policy';

/** What one environment's evaluation jobs may touch. */
export interface EvaluationScope {
  readonly account: string;
  /** The Region the jobs run in: the environment's primary Region, where `npm run evaluate` creates them. */
  readonly region: string;
  /** The evaluation bucket, and the environment's prefix in it (`<env>/`): jobs read `<prefix>input/` and write `<prefix>output/`. */
  readonly bucket: string;
  readonly prefix: string;
  /** What the environment's routes call in that Region: profile ARNs and the foundation models behind them. */
  readonly invocations: readonly { readonly profileArn?: string; readonly foundationModelArns: readonly string[] }[];
}

/**
 * The evaluation service role's permissions: the S3 actions and the Bedrock actions AWS lists for
 * automatic and judge-model evaluation jobs
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/automatic-service-roles.html,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/judge-service-roles.html), limited to the
 * environment's prefix and to exactly the models its routes call (their profiles and the foundation
 * models in each destination Region), never `foundation-model/*` as the examples do.
 */
export function evaluationStatements(scope: EvaluationScope): PolicyStatement[] {
  const bucketArn = `arn:aws:s3:::${scope.bucket}`;
  const unique = (xs: readonly string[]) => [...new Set(xs)].sort();
  const models = unique(
    scope.invocations.flatMap((i) => [...(i.profileArn ? [i.profileArn] : []), ...i.foundationModelArns]),
  );
  return [
    {
      // Unconditioned, as AWS's examples: GetBucketLocation has no s3:prefix key (a condition on it
      // would deny), and the service's own listing is not documented to carry a prefix. The bucket
      // holds evaluation jobs only.
      sid: 'ListBucket',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [bucketArn],
    },
    {
      sid: 'ReadDatasets',
      actions: ['s3:GetObject'],
      resources: [`${bucketArn}/${scope.prefix}*`],
    },
    {
      sid: 'WriteResults',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [`${bucketArn}/${scope.prefix}output/*`],
    },
    ...(models.length > 0
      ? [
          {
            sid: 'InvokeEnvironmentModels',
            actions: ['bedrock:InvokeModel', 'bedrock:CreateModelInvocationJob', 'bedrock:StopModelInvocationJob'],
            resources: models,
          },
        ]
      : []),
  ];
}

export interface EvaluationRoleProps {
  readonly roleName: string;
  readonly scope: EvaluationScope;
}

/**
 * The role Bedrock assumes to run an environment's model evaluation jobs (`npm run evaluate --
 * --target bedrock-job`): trusted by bedrock.amazonaws.com only for evaluation jobs of this account
 * and Region (aws:SourceAccount and aws:SourceArn against the confused deputy,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/cross-service-confused-deputy-prevention.html).
 */
export class EvaluationRole extends Construct {
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: EvaluationRoleProps) {
    super(scope, id);
    const { account, region } = props.scope;
    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:aws:bedrock:${region}:${account}:evaluation-job/*`],
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, 'Resource', { name: props.roleName, assumeRolePolicy: trust.json });
    this.roleArn = role.arn;
    new RolePolicy(this, 'Policy', {
      role,
      policyName: 'evaluation-jobs',
      statements: evaluationStatements(props.scope),
    });
  }
}
