import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AUTHORIZER_CONSUMERS_ENV, type AuthorizerConsumer } from '../../contracts/authorizer';
import { RolePolicy, serviceTrust } from '../iam/role-policy';
import { writeFunctionPackage } from '../router/bundle';

export interface KeyAuthorizerProps {
  readonly functionName: string;
  /** functions/authorizer/index.ts (exports `handler`), bundled with esbuild as the router is. */
  readonly entry: string;
  readonly executionArn: string;
  /** Each consumer's key hashes and API key value (a Terraform reference: never in git). */
  readonly consumers: readonly AuthorizerConsumer[];
  /** Encrypts the function's environment (the API key values) and its log group. */
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly bundleCacheDir: string;
  readonly packageDir: string;
}

/**
 * The function behind the platform API's REQUEST authorizer: functions/authorizer on Node.js 22, its
 * own encrypted log group, a role that may only write there, and API Gateway's permission to invoke
 * it as one of this API's authorizers. The authorizer itself is declared in the API's OpenAPI
 * document (modules/api/openapi.ts), which names the function by its ARN.
 *
 * Where the secrets live: the keys' hashes come from the environment file; each consumer's API
 * Gateway API key value (the usage identifier it must return) is a reference to
 * `aws_api_gateway_api_key.value`, resolved at apply time into the function's environment, which
 * Lambda encrypts with the environment's KMS key. So no key or usage identifier is in git, and the
 * authorizer makes no call at all per request (no SSM read to fail or to pay for).
 */
export class KeyAuthorizer extends Construct {
  /** API Gateway's permission to invoke the function (which waits for the function). */
  readonly permission: LambdaPermission;
  readonly logGroupName: string;
  /** Its execution role: the stack lets it decrypt the environment with the key (EnvironmentKey.grantDecrypt). */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: KeyAuthorizerProps) {
    super(scope, id);
    this.logGroupName = `/aws/lambda/${props.functionName}`;
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const role = (this.role = new IamRole(this, 'Role', {
      name: `${props.functionName}-role`,
      assumeRolePolicy: serviceTrust(this, 'Trust', 'lambda.amazonaws.com').json,
    }));
    const logs = new RolePolicy(this, 'Logs', {
      role,
      policyName: 'logs',
      statements: [
        {
          sid: 'OwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
      ],
    });

    const pkg = writeFunctionPackage('authorizer', props.entry, props.bundleCacheDir, props.packageDir);
    const asset = new TerraformAsset(this, 'Code', { path: pkg.path, type: AssetType.FILE });
    const fn = new LambdaFunction(this, 'Resource', {
      functionName: props.functionName,
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: pkg.sha256,
      memorySize: 128,
      timeout: 3,
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: {
          [AUTHORIZER_CONSUMERS_ENV]: JSON.stringify(props.consumers),
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [logGroup, logs.resource],
    });

    this.permission = new LambdaPermission(this, 'InvokeAuthorizer', {
      statementId: 'AllowApiGatewayAuthorizer',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'apigateway.amazonaws.com',
      // Any authorizer of this API: the one the OpenAPI document declares has an id Terraform never sees.
      sourceArn: `${props.executionArn}/authorizers/*`,
    });
  }
}
