import { Construct } from 'constructs';
import { SagemakerModelPackageGroup } from '@cdktf/provider-aws/lib/sagemaker-model-package-group';
import { validateProps } from '../validation';
import { MODEL_PACKAGE_GROUP_RULES } from './validate';

export interface ModelPackageGroupProps {
  /** The Model Registry group of one custom model family. */
  readonly groupName: string;
  /** @default - none */
  readonly description?: string;
}

/**
 * A SageMaker Model Registry package group. Versions are registered by the training pipeline
 * (`CreateModelPackage`): the AWS provider has no model-package resource.
 */
export class ModelPackageGroup extends Construct {
  readonly groupName: string;
  readonly groupArn: string;

  constructor(scope: Construct, id: string, props: ModelPackageGroupProps) {
    super(scope, id);
    validateProps(this, 'ModelPackageGroup', props, MODEL_PACKAGE_GROUP_RULES);
    const group = new SagemakerModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: props.groupName,
      modelPackageGroupDescription: props.description,
    });
    this.groupName = group.modelPackageGroupName;
    this.groupArn = group.arn;
  }
}
