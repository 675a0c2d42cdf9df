import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction, type LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { ROUTER_ENV, ROUTER_OPTIONAL_ENV, type RouterEnvName } from '../../contracts/router-env';
import { ROUTER_HANDLER, ROUTER_STREAMING_HANDLER } from '../../contracts/router-package';
import { RolePolicy, serviceTrust } from '../iam/role-policy';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { validateProps } from '../validation';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from './appconfig-layers';
import { routerBundle, writeRouterPackage } from './bundle';
import { ROUTER_FUNCTION_RULES } from './validate';

export const ROUTER_RUNTIME = 'nodejs22.x';

/** The streaming twin's name, from the router's (`<functionName>-stream`). */
export const streamingTwinName = (functionName: string): string => `${functionName}-stream`;

export interface RouterFunctionProps {
  readonly functionName: string;
  /** The router's TypeScript entry point (exports `handler`), bundled with esbuild. */
  readonly entry: string;
  /** The routing table baked beside the bundle (the cold-start fallback; its file name: contracts/router-package.ts). */
  readonly routingTableJson: string;
  readonly region: string;
  /** Value of FM_ENVIRONMENT. */
  readonly environmentName: string;
  /** Where the AppConfig extension reads the routing table: names, not ids. */
  readonly appConfig: {
    readonly application: string;
    readonly environment: string;
    readonly profile: string;
    readonly pollIntervalSeconds: number;
  };
  readonly circuitTableName: string;
  /** The response-cache table. @default - none: no route of the environment caches */
  readonly cacheTableName?: string;
  /** The consumers' spend ledger. @default - none: no consumer has limits */
  readonly spendTableName?: string;
  readonly memoryMb: number;
  readonly reservedConcurrency: number;
  readonly timeoutSeconds: number;
  /** Encrypts the environment variables and the log group. */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Where the built bundle is cached between synths. @default - dist/router under the working directory */
  readonly bundleCacheDir?: string;
  /** Folder the zip package is written into before cdktf copies it. @default - a folder under the OS temp dir */
  readonly packageDir?: string;
  /**
   * A second function of the same package and role, `<functionName>-stream`, whose handler is the
   * streaming entry: what the API's streaming operations invoke, and behind a Lambda function URL in
   * RESPONSE_STREAM mode with AWS_IAM auth, every path for SigV4 callers. Not reserved-concurrency.
   * @default false
   */
  readonly streamingUrl?: boolean;
}

/** The optional props' defaults (the folders are read when the construct is made). */
const DEFAULTS = {
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  bundleCacheDir: () => join(process.cwd(), 'dist', 'router'),
  packageDir: () => join(tmpdir(), 'fm-platform-router'),
} as const;

/**
 * The router Lambda: esbuild bundle plus baked routing table in a deterministic zip (a cdktf asset),
 * Node.js 22 on arm64 with the AppConfig extension layer, its own encrypted log group, X-Ray on.
 */
export class RouterFunction extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  readonly invokeArn: string;
  readonly role: IamRole;
  readonly logGroupName: string;
  /** The streaming function URL (https://<id>.lambda-url.<region>.on.aws/), when streamingUrl is on. */
  readonly streamingUrl?: string;
  readonly streamingFunctionName?: string;
  readonly streamingFunctionArn?: string;
  /** The streaming function's log group (encrypted with the same key: the key must allow it). */
  readonly streamingLogGroupName?: string;
  /** The functions of the package: the router and its streaming twin. */
  private readonly functions: LambdaFunction[] = [];

  constructor(scope: Construct, id: string, props: RouterFunctionProps) {
    super(scope, id);
    validateProps(this, 'RouterFunction', props, ROUTER_FUNCTION_RULES);

    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.role = new IamRole(this, 'Role', {
      name: `${props.functionName}-role`,
      assumeRolePolicy: serviceTrust(this, 'Trust', 'lambda.amazonaws.com').json,
    });
    const basics = new RolePolicy(this, 'Basics', {
      role: this.role,
      policyName: 'logs-and-tracing',
      statements: [
        {
          sid: 'OwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        // X-Ray's segment APIs have no resource-level permissions: `*` is the only valid resource.
        { sid: 'Tracing', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      ],
    });

    const bundle = routerBundle(props.entry, props.bundleCacheDir ?? DEFAULTS.bundleCacheDir());
    const pkg = writeRouterPackage(bundle, props.routingTableJson, props.packageDir ?? DEFAULTS.packageDir());
    const asset = new TerraformAsset(this, 'Code', { path: pkg.path, type: AssetType.FILE });
    // Every variable of the router's contract, each set: a name added there fails to compile here.
    const routerVariables: Record<RouterEnvName, string> = {
      [ROUTER_ENV.environment]: props.environmentName,
      [ROUTER_ENV.appConfigApplication]: props.appConfig.application,
      [ROUTER_ENV.appConfigEnvironment]: props.appConfig.environment,
      [ROUTER_ENV.appConfigProfile]: props.appConfig.profile,
      [ROUTER_ENV.circuitTable]: props.circuitTableName,
      [ROUTER_ENV.cacheTable]: props.cacheTableName ?? '',
      [ROUTER_ENV.spendTable]: props.spendTableName ?? '',
      [ROUTER_ENV.pollIntervalSeconds]: String(props.appConfig.pollIntervalSeconds),
    };

    const config = {
      role: this.role.arn,
      runtime: ROUTER_RUNTIME,
      architectures: ['arm64'],
      filename: asset.path,
      sourceCodeHash: pkg.sha256,
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      layers: [APPCONFIG_EXTENSION_ARM64_LAYERS[props.region]],
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: {
          ...routerVariables,
          // Node itself reads this one: stack traces through the bundle's source map.
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    } satisfies Partial<LambdaFunctionConfig>;
    const fn = new LambdaFunction(this, 'Resource', {
      ...config,
      functionName: props.functionName,
      handler: ROUTER_HANDLER,
      reservedConcurrentExecutions: props.reservedConcurrency,
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [logGroup, basics.resource],
    });
    this.functions.push(fn);
    if (props.streamingUrl === true) {
      const streaming = this.streamingFunction(props, config);
      this.streamingFunctionName = streaming.functionName;
      this.streamingFunctionArn = streaming.functionArn;
      this.streamingLogGroupName = streaming.logGroupName;
      this.streamingUrl = streaming.url;
    }
    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.invokeArn = fn.invokeArn;
    // The name as written, not the group's attribute: the environment key's policy names it, and the group uses the key.
    this.logGroupName = `/aws/lambda/${props.functionName}`;
  }

  /**
   * Hands every function of the package the routing-table targets known only after apply
   * (FM_DEPLOYED_TARGETS, contracts/router-env.ts), for its baked copy: JSON whose ids may be
   * Terraform references. Set only where some target needs it, so no other environment changes.
   */
  setDeployedTargets(json: string): void {
    for (const fn of this.functions)
      fn.addOverride(`environment.variables.${ROUTER_OPTIONAL_ENV.deployedTargets}`, json);
  }

  /**
   * The streaming twin: the function the platform API's STREAM integrations invoke with
   * InvokeWithResponseStream (modules/api/openapi.ts), and, behind a function URL in RESPONSE_STREAM
   * mode with AWS_IAM auth, the way in for SigV4 callers when the API takes bearer keys (a method
   * has one authorizer). https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
   */
  private streamingFunction(
    props: RouterFunctionProps,
    config: Omit<LambdaFunctionConfig, 'functionName' | 'handler'>,
  ): { functionName: string; functionArn: string; url: string; logGroupName: string } {
    const name = streamingTwinName(props.functionName);
    const logGroup = new CloudwatchLogGroup(this, 'StreamingLogGroup', {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const logs = new RolePolicy(this, 'StreamingLogs', {
      role: this.role,
      policyName: 'streaming-logs',
      statements: [
        {
          sid: 'OwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
      ],
    });
    const fn = new LambdaFunction(this, 'StreamingResource', {
      ...config,
      functionName: name,
      handler: ROUTER_STREAMING_HANDLER,
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [logGroup, logs.resource],
    });
    this.functions.push(fn);
    const url = new LambdaFunctionUrl(this, 'StreamingUrl', {
      functionName: fn.functionName,
      authorizationType: 'AWS_IAM',
      invokeMode: 'RESPONSE_STREAM',
    });
    // The name as written, not the resource's token: the environment key's policy names it (kms/environment-key.ts).
    return {
      functionName: fn.functionName,
      functionArn: fn.arn,
      url: url.functionUrl,
      logGroupName: `/aws/lambda/${name}`,
    };
  }
}
