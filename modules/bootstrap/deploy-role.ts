import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { toDocumentStatement, type PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { DEPLOY_ROLE_RULES } from './validate';

/** GitHub's OIDC issuer and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC = { host: 'token.actions.githubusercontent.com', audience: 'sts.amazonaws.com' } as const;

/**
 * The account's GitHub OIDC identity provider. No thumbprint: IAM verifies GitHub's certificate
 * against its trusted root CAs, and the thumbprint is optional since AWS provider 5.81
 * (https://github.com/hashicorp/terraform-provider-aws/issues/35112;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html).
 */
export class GithubOidcProvider extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const provider = new IamOpenidConnectProvider(this, 'Resource', {
      url: `https://${GITHUB_OIDC.host}`,
      clientIdList: [GITHUB_OIDC.audience],
    });
    this.arn = provider.arn;
  }
}

export interface DeployRoleProps {
  readonly roleName: string;
  /** The OIDC provider's ARN. */
  readonly oidcProviderArn: string;
  /** The one `sub` claim trusted: `repo:<owner>/<repo>:environment:<name>` or `...:ref:refs/heads/<branch>`. */
  readonly githubSubject: string;
  /** What the role may do (generated: deployStatements and pipelineStatements). */
  readonly statements: readonly PolicyStatement[];
  /** The longest deploy job, in seconds (3600 to 43200). @default 3600 */
  readonly maxSessionSeconds?: number;
}

/** The optional props' defaults. */
const DEFAULTS = { maxSessionSeconds: 3600 } as const;

/**
 * An environment's deploy role: assumable only with a GitHub OIDC token for one repository and one
 * GitHub environment (or branch), audience sts.amazonaws.com; its permissions are generated from
 * what the environment's stack manages.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export class DeployRole extends Construct {
  readonly roleName: string;
  readonly roleArn: string;
  /** Its permissions, as the managed policies' documents (in order). */
  readonly documents: readonly DataAwsIamPolicyDocument[];

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    validateProps(this, 'DeployRole', props, DEPLOY_ROLE_RULES);
    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB_OIDC.host}:aud`, values: [GITHUB_OIDC.audience] },
            { test: 'StringEquals', variable: `${GITHUB_OIDC.host}:sub`, values: [props.githubSubject] },
          ],
        },
      ],
    });
    const role = new IamRole(this, 'Resource', {
      name: props.roleName,
      assumeRolePolicy: trust.json,
      maxSessionDuration: props.maxSessionSeconds ?? DEFAULTS.maxSessionSeconds,
    });
    this.roleName = props.roleName;
    this.roleArn = role.arn;
    // Customer managed policies, not an inline one: a role's inline policies share 10,240 characters,
    // which prod's deploy permissions approach, while each managed policy holds 6,144 and a role takes
    // 10 of them by default (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
    const chunks = packStatements(props.statements, MANAGED_POLICY_CHARS);
    if (chunks.length > MANAGED_POLICIES_PER_ROLE)
      throw new Error(
        `${props.roleName}: its ${props.statements.length} statements need ${chunks.length} managed policies of ${MANAGED_POLICY_CHARS} characters, more than the ${MANAGED_POLICIES_PER_ROLE} a role takes by default; ask for a higher "Managed policies per role" quota and raise MANAGED_POLICIES_PER_ROLE, or narrow the permissions`,
      );
    this.documents = chunks.map((statements, i) => {
      const document = new DataAwsIamPolicyDocument(this, `Policy${i + 1}_Document`, {
        statement: statements.map(toDocumentStatement),
      });
      const policy = new IamPolicy(this, `Policy${i + 1}`, {
        name: `${props.roleName}-${i + 1}`,
        policy: document.json,
      });
      new IamRolePolicyAttachment(this, `Policy${i + 1}_Attachment`, { role: role.name, policyArn: policy.arn });
      return document;
    });
  }
}

/** Characters of one customer managed policy, white space not counted (IAM quotas, above). */
export const MANAGED_POLICY_CHARS = 6144;
/** Managed policies attached to one role, by default. */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** A statement as IAM stores it, without white space: what its size quota counts. */
export function renderedStatement(s: PolicyStatement): string {
  const doc = toDocumentStatement(s);
  return JSON.stringify({
    Sid: doc.sid,
    Effect: doc.effect,
    Action: doc.actions,
    Resource: doc.resources,
    ...(doc.condition ? { Condition: conditionBlock(doc.condition) } : {}),
  });
}

/** Conditions as IAM's JSON holds them: operator, then key, then values. */
function conditionBlock(conditions: readonly { test: string; variable: string; values: string[] }[]) {
  const block: Record<string, Record<string, string[]>> = {};
  for (const c of conditions) block[c.test] = { ...block[c.test], [c.variable]: c.values };
  return block;
}

/**
 * Statements packed, in order, into as few policies as fit `limit` characters each (the document's
 * `{"Version":"2012-10-17","Statement":[…]}` counted): one obvious split, stable while the
 * permissions are.
 */
export function packStatements(statements: readonly PolicyStatement[], limit: number): PolicyStatement[][] {
  const envelope = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
  const chunks: { statements: PolicyStatement[]; size: number }[] = [];
  for (const s of statements) {
    const size = renderedStatement(s).length;
    if (envelope + size > limit) throw new Error(`statement ${s.sid} alone is ${size} characters, over ${limit}`);
    const last = chunks.at(-1);
    if (last && last.size + 1 + size <= limit) {
      last.statements.push(s);
      last.size += 1 + size;
    } else chunks.push({ statements: [s], size: envelope + size });
  }
  return chunks.map((c) => c.statements);
}
