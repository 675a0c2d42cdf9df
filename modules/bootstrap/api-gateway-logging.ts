import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { serviceTrust } from '../iam/role-policy';

export interface ApiGatewayLoggingProps {
  readonly roleName: string;
  /** One provider per Region: the setting is per account and Region. */
  readonly providers: readonly { readonly region: string; readonly provider?: TerraformProvider }[];
}

/** AWS's managed policy for API Gateway's log delivery (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). */
export const PUSH_TO_CLOUDWATCH_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

/**
 * The account-level CloudWatch role of API Gateway, set in each Region: without it a stage with access
 * logs or `logging_level` fails ("CloudWatch Logs role ARN must be set in account settings to enable
 * logging"). `aws_api_gateway_account` keeps the setting on destroy unless reset_on_delete
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/api_gateway_account).
 */
export class ApiGatewayLogging extends Construct {
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ApiGatewayLoggingProps) {
    super(scope, id);
    const role = new IamRole(this, 'Role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrust(this, 'Trust', 'apigateway.amazonaws.com').json,
    });
    const attachment = new IamRolePolicyAttachment(this, 'PushToCloudWatch', {
      role: role.name,
      policyArn: PUSH_TO_CLOUDWATCH_POLICY,
    });
    this.roleArn = role.arn;
    for (const { region, provider } of props.providers) {
      new ApiGatewayAccount(this, `Account-${region}`, {
        cloudwatchRoleArn: role.arn,
        // Destroying the bootstrap then really removes the setting, rather than leaving a role that is gone.
        resetOnDelete: true,
        dependsOn: [attachment],
        provider,
      });
    }
  }
}
