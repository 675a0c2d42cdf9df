/** A Bedrock custom model in an environment's plan: the custom model it serves and its Provisioned Throughput. */
export interface PlannedBedrockCustomHosting {
  readonly type: 'bedrock-custom';
  /** The environment's primary Region: custom models and their throughput are Regional, and no profile serves them. */
  readonly region: string;
  /** The catalog model it is customized from. */
  readonly baseModel: { readonly id: string; readonly modelId: string };
  /** fm-<env>-<model>-<hash of what it serves and how>: the Provisioned Throughput's name, known before apply (its ARN is not). */
  readonly provisionedModelName: string;
  readonly customModel: PlannedCustomizationJob | PlannedExternalCustomModel;
  readonly modelUnits: number;
  /** Absent: no commitment (billed hourly, deletable at any time). */
  readonly commitmentDuration?: 'OneMonth' | 'SixMonths';
  /** USD per model-unit hour for this commitment, when the catalog or the environment gives it. */
  readonly modelUnitHourUsd?: number;
}

/** A customization job Terraform runs (aws_bedrock_custom_model), named by a hash of what it trains on. */
export interface PlannedCustomizationJob {
  readonly source: 'job';
  readonly jobName: string;
  readonly customModelName: string;
  /** The service role the job runs as: reads only its data, writes only its output prefix. */
  readonly roleName: string;
  readonly customizationType: 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING';
  /** The base model's foundation-model ARN (the provider takes only an ARN here: terraform-provider-aws#39956). */
  readonly baseModelArn: string;
  readonly trainingDataS3Uri: string;
  readonly validationDataS3Uri?: string;
  readonly outputS3Uri: string;
  readonly hyperparameters: Readonly<Record<string, string>>;
}

/** A custom model a pipeline outside made, only referenced. */
export interface PlannedExternalCustomModel {
  readonly source: 'external';
  readonly customModelArn: string;
}
