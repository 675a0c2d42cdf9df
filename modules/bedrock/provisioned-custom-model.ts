import { Op, type IResolvable } from 'cdktf';
import { Construct } from 'constructs';
import { BedrockCustomModel } from '@cdktf/provider-aws/lib/bedrock-custom-model';
import { BedrockProvisionedModelThroughput } from '@cdktf/provider-aws/lib/bedrock-provisioned-model-throughput';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { grantId, RolePolicy, serviceTrust, type GrantableRole, type PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { PROVISIONED_CUSTOM_MODEL_RULES } from './validate';

/** A customization job the construct runs: `aws_bedrock_custom_model`. */
export interface CustomizationJobProps {
  readonly jobName: string;
  readonly customModelName: string;
  /** The job's service role, created here. */
  readonly roleName: string;
  readonly customizationType: 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING';
  /** The base model's foundation-model ARN. */
  readonly baseModelArn: string;
  /** s3://bucket/key of the training data (an object, or a prefix ending in /). */
  readonly trainingDataS3Uri: string;
  /** @default - no validation data */
  readonly validationDataS3Uri?: string;
  /** s3://bucket/prefix/ the job writes to. */
  readonly outputS3Uri: string;
  readonly hyperparameters: Readonly<Record<string, string>>;
}

export interface ProvisionedCustomModelProps {
  /** The Provisioned Throughput's name. */
  readonly provisionedModelName: string;
  readonly modelUnits: number;
  /** @default - no commitment: billed hourly, deletable at any time */
  readonly commitmentDuration?: 'OneMonth' | 'SixMonths';
  /** Either the job that trains the model, or the ARN of a custom model made outside. */
  readonly customModel: { readonly job: CustomizationJobProps } | { readonly customModelArn: string };
  readonly account: string;
  readonly region: string;
}

/** An S3 URI's bucket and key. */
function s3(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw new Error(`ProvisionedCustomModel: ${uri} is not an s3:// URI`);
  return { bucket: m[1], key: m[2] };
}

/** What the service role may read or write under one URI: the object itself, or everything below a prefix. */
function objectArn(uri: string): string {
  const { bucket, key } = s3(uri);
  return `arn:aws:s3:::${bucket}/${key}${key.endsWith('/') ? '*' : ''}`;
}

/** ListBucket on the URI's bucket, only for keys under it (`s3:prefix`). */
function listStatement(sid: string, uri: string): PolicyStatement {
  const { bucket, key } = s3(uri);
  return {
    sid,
    actions: ['s3:ListBucket'],
    resources: [`arn:aws:s3:::${bucket}`],
    conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [key, `${key}*`] }],
  };
}

/**
 * The customization service role's permissions: read only the job's training and validation data,
 * write only its output prefix (the statements the Bedrock user guide lists for a customization job,
 * narrowed to those URIs: https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-iam-role.html).
 */
export function customizationStatements(job: CustomizationJobProps): PolicyStatement[] {
  const inputs = [job.trainingDataS3Uri, ...(job.validationDataS3Uri !== undefined ? [job.validationDataS3Uri] : [])];
  return [
    { sid: 'ReadTrainingData', actions: ['s3:GetObject'], resources: [...new Set(inputs.map(objectArn))] },
    ...inputs.map((uri, i) => listStatement(i === 0 ? 'ListTrainingData' : 'ListValidationData', uri)),
    { sid: 'WriteOutput', actions: ['s3:GetObject', 's3:PutObject'], resources: [objectArn(job.outputS3Uri)] },
    listStatement('ListOutput', job.outputS3Uri),
  ];
}

/**
 * A Bedrock custom model served through Provisioned Throughput: the customization job (with its
 * service role) when the construct trains the model, and the throughput that serves it, whose ARN is
 * what Converse is called with. The ARN exists only after apply.
 */
export class ProvisionedCustomModel extends Construct {
  /** The provisioned model's ARN (a Terraform reference): Converse's modelId. */
  readonly provisionedModelArn: string;
  readonly provisionedModelName: string;
  /** The custom model served: the job's output model, or the ARN given. */
  readonly customModelArn: string;
  /** The customization job's service role, when the construct runs the job. */
  readonly serviceRole?: IamRole;

  constructor(scope: Construct, id: string, props: ProvisionedCustomModelProps) {
    super(scope, id);
    validateProps(this, 'ProvisionedCustomModel', props, PROVISIONED_CUSTOM_MODEL_RULES);
    this.provisionedModelName = props.provisionedModelName;

    let jobCompleted: { readonly condition: IResolvable; readonly errorMessage: string } | undefined;
    if ('job' in props.customModel) {
      const job = props.customModel.job;
      // Only Bedrock running a customization job of this account and Region may assume it (the
      // confused-deputy guard): https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-iam-role.html
      this.serviceRole = new IamRole(this, 'ServiceRole', {
        name: job.roleName,
        assumeRolePolicy: serviceTrust(this, 'ServiceTrust', 'bedrock.amazonaws.com', [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.account] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [`arn:aws:bedrock:${props.region}:${props.account}:model-customization-job/*`],
          },
        ]).json,
      });
      const data = new RolePolicy(this, 'ServiceRolePolicy', {
        role: this.serviceRole,
        policyName: 'customization-data',
        statements: customizationStatements(job),
      });
      // Creating it starts the job and returns at once; the model exists once the job completes, hours
      // later. Deleting it stops a running job or deletes the trained model. Every argument forces a
      // new job, so the names carry a hash of the training (hosting/bedrock-custom/resolve.ts).
      // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/bedrock_custom_model
      const model = new BedrockCustomModel(this, 'Resource', {
        customModelName: job.customModelName,
        jobName: job.jobName,
        // An ARN: a model id makes provider 5.x plan an invalid value (terraform-provider-aws#39956).
        baseModelIdentifier: job.baseModelArn,
        customizationType: job.customizationType,
        roleArn: this.serviceRole.arn,
        hyperparameters: { ...job.hyperparameters },
        trainingDataConfig: [{ s3Uri: job.trainingDataS3Uri }],
        ...(job.validationDataS3Uri !== undefined
          ? { validationDataConfig: [{ validator: [{ s3Uri: job.validationDataS3Uri }] }] }
          : {}),
        outputDataConfig: [{ s3Uri: job.outputS3Uri }],
        dependsOn: [data.resource],
        // A new training starts while the model it replaces keeps serving: the old one is deleted only
        // once the throughput serving it has been replaced (names differ per training).
        lifecycle: { createBeforeDestroy: true },
      });
      this.customModelArn = model.customModelArn;
      jobCompleted = {
        condition: Op.eq(model.jobStatus, 'Completed'),
        errorMessage: `customization job ${job.jobName} is ${model.jobStatus}, not Completed, so there is no model for ${props.provisionedModelName} to serve yet: apply again once it has completed (aws bedrock get-model-customization-job --job-identifier ${job.jobName}); if it Failed or was Stopped, change its data or hyperparameters in the catalog, which starts a new job`,
      };
    } else {
      this.customModelArn = props.customModel.customModelArn;
    }

    // Commitment omitted: no commitment, billed hourly and deletable at any time; custom models support
    // every commitment level (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateProvisionedModelThroughput.html,
    // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/bedrock_provisioned_model_throughput).
    const throughput = new BedrockProvisionedModelThroughput(this, 'Throughput', {
      provisionedModelName: props.provisionedModelName,
      modelArn: this.customModelArn,
      modelUnits: props.modelUnits,
      ...(props.commitmentDuration !== undefined ? { commitmentDuration: props.commitmentDuration } : {}),
      lifecycle: {
        // Every argument forces a new throughput (provider 5.100.0): the new one is created first, so the
        // old one serves until then (the names differ; the account needs the model units of both meanwhile).
        createBeforeDestroy: true,
        // The job's model has no ARN until it completes: stop here with what to do, before the old
        // throughput is touched, rather than let CreateProvisionedModelThroughput fail on an empty ARN.
        ...(jobCompleted !== undefined ? { precondition: [jobCompleted] } : {}),
      },
    });
    this.provisionedModelArn = throughput.provisionedModelArn;
  }

  /** Converse and ConverseStream on exactly this provisioned model (IAM checks InvokeModel* on its ARN). */
  grantInvoke(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Invoke', role), {
      role,
      policyName: `invoke-${this.provisionedModelName}`,
      statements: [
        {
          sid: 'InvokeProvisionedModel',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [this.provisionedModelArn],
        },
      ],
    });
  }
}
