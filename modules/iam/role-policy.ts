import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { validateProps } from '../validation';
import { ROLE_POLICY_RULES } from './validate';

/** One IAM statement as data: what a grant method writes and a reviewer reads. */
export interface PolicyStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** `test` is the condition operator (`ArnLike`, `StringEquals` ...). */
  readonly conditions?: readonly {
    readonly test: string;
    readonly variable: string;
    readonly values: readonly string[];
  }[];
}

/** A role and its name, as the grant methods need them (an `IamRole` fits). */
export interface GrantableRole {
  readonly name: string;
  readonly arn: string;
}

export interface RolePolicyProps {
  readonly role: GrantableRole;
  /** The inline policy's name on the role. */
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
}

/**
 * An inline role policy rendered from statements with `aws_iam_policy_document` (computed locally by
 * Terraform, no AWS call), so a plan shows the exact document.
 */
export class RolePolicy extends Construct {
  readonly document: DataAwsIamPolicyDocument;
  readonly resource: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RolePolicyProps) {
    super(scope, id);
    validateProps(this, 'RolePolicy', props, ROLE_POLICY_RULES);
    this.document = new DataAwsIamPolicyDocument(this, 'Document', {
      statement: props.statements.map(toDocumentStatement),
    });
    this.resource = new IamRolePolicy(this, 'Resource', {
      name: props.policyName,
      role: props.role.name,
      policy: this.document.json,
    });
  }
}

/**
 * Values once each, literals sorted, then references (tokens, such as an ARN known after apply) in
 * the order given: a token's text is a counter that differs between two synths, so sorting it would
 * reorder the document from one synth to the next.
 */
export function sortedValues(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  return [...unique.filter((v) => !Token.isUnresolved(v)).sort(), ...unique.filter((v) => Token.isUnresolved(v))];
}

/** A statement as `aws_iam_policy_document` takes it, actions and resources sorted: their order means nothing to IAM, so a reordering never shows as a change. */
export function toDocumentStatement(s: PolicyStatement) {
  return {
    sid: s.sid,
    effect: 'Allow',
    actions: [...s.actions].sort(),
    resources: sortedValues(s.resources),
    condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
  };
}

/** A construct id for a grant, unique per role (ids are a contract: stable while the role is). */
export function grantId(prefix: string, role: GrantableRole): string {
  return role instanceof Construct ? `${prefix}-${role.node.addr.slice(0, 8)}` : prefix;
}

/** A trust policy for one AWS service principal. */
export function serviceTrust(
  scope: Construct,
  id: string,
  service: string,
  conditions?: PolicyStatement['conditions'],
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: [service] }],
        condition: conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
      },
    ],
  });
}
