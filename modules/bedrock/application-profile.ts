import { Construct } from 'constructs';
import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { validateProps } from '../validation';
import { APPLICATION_PROFILE_RULES } from './validate';

export interface ApplicationInferenceProfileProps {
  /** The profile's name, unique in the account and Region (`fm-<env>-<route>`, with the consumer when per consumer). */
  readonly profileName: string;
  /**
   * What it copies: a foundation-model ARN, or a system (cross-Region) inference-profile ARN
   * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_InferenceProfileModelSource.html).
   */
  readonly copyFromArn: string;
  /** Cost-allocation tags (environment, route, team), merged over the provider's default tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** The provider of the Region the router calls it from. @default - the stack's default provider */
  readonly provider?: AwsProvider;
}

/**
 * An application inference profile: a tagged copy of a model or system profile that the router calls
 * by ARN, so Cost Explorer and the cost and usage report split Bedrock spend by its tags
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-create.html;
 * Terraform: aws_bedrock_inference_profile, provider 5.100.0, `model_source.copy_from`).
 */
export class ApplicationInferenceProfile extends Construct {
  readonly profileArn: string;

  constructor(scope: Construct, id: string, props: ApplicationInferenceProfileProps) {
    super(scope, id);
    validateProps(this, 'ApplicationInferenceProfile', props, APPLICATION_PROFILE_RULES);
    const profile = new BedrockInferenceProfile(this, 'Resource', {
      name: props.profileName,
      modelSource: [{ copyFrom: props.copyFromArn }],
      tags: { ...props.tags },
      ...(props.provider ? { provider: props.provider } : {}),
    });
    this.profileArn = profile.arn;
  }
}
