import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { RolePolicy, type PolicyStatement } from '../iam/role-policy';
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
  readonly policy: RolePolicy;

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
    this.policy = new RolePolicy(this, 'Policy', { role, policyName: 'deploy', statements: props.statements });
  }
}
