import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { toDocumentStatement, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { APPLICATION_PROFILE_ACCESS_RULES, PROFILES_PER_POLICY } from './validate';

export interface ApplicationProfileAccessProps {
  readonly role: GrantableRole;
  /** Each policy's name is `<prefix>-<n>` (from 1), unique in the account: `fm-<env>-router-application-profiles`. */
  readonly policyNamePrefix: string;
  /** The exact ARNs of the application inference profiles the role invokes (Terraform references). */
  readonly profileArns: readonly string[];
}

const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/**
 * `InvokeModel*` on exactly these application inference profiles, in customer-managed policies of
 * PROFILES_PER_POLICY ARNs each, attached to the role. Not inline: IAM allows a role 10,240 characters
 * of inline policies in all (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
 * which prod's router already nearly fills with its system profiles and foundation models, and a
 * per-consumer environment has a profile per route, model and consumer. What a profile routes to (the
 * system profile, the foundation models) stays in the role's inline bedrock-models policy.
 */
export class ApplicationProfileAccess extends Construct {
  readonly policyArns: readonly string[];

  constructor(scope: Construct, id: string, props: ApplicationProfileAccessProps) {
    super(scope, id);
    validateProps(this, 'ApplicationProfileAccess', props, APPLICATION_PROFILE_ACCESS_RULES);
    const arns: string[] = [];
    for (let start = 0, n = 1; start < props.profileArns.length; start += PROFILES_PER_POLICY, n++) {
      const document = new DataAwsIamPolicyDocument(this, `Document${n}`, {
        statement: [
          toDocumentStatement({
            sid: 'InvokeApplicationProfiles',
            actions: INVOKE,
            resources: props.profileArns.slice(start, start + PROFILES_PER_POLICY),
          }),
        ],
      });
      const policy = new IamPolicy(this, `Policy${n}`, {
        name: `${props.policyNamePrefix}-${n}`,
        description: 'Invoke the application inference profiles (cost allocation) of the model catalog',
        policy: document.json,
      });
      new IamRolePolicyAttachment(this, `Attachment${n}`, { role: props.role.name, policyArn: policy.arn });
      arns.push(policy.arn);
    }
    this.policyArns = arns;
  }
}
