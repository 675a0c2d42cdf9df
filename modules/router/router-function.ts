import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { RolePolicy, serviceTrust } from '../iam/role-policy';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { validateProps } from '../validation';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from './appconfig-layers';
import { routerBundle, writeRouterPackage } from './bundle';
import { ROUTER_FUNCTION_RULES } from './validate';

/**
 * The router's environment variables: the contract with `functions/router` (which reads exactly
 * these names). Changing one is a change on both sides.
 */
export const ROUTER_ENVIRONMENT = {
  environment: 'FM_ENVIRONMENT',
  appConfigApplication: 'FM_APPCONFIG_APPLICATION',
  appConfigEnvironment: 'FM_APPCONFIG_ENVIRONMENT',
  appConfigProfile: 'FM_APPCONFIG_PROFILE',
  circuitTable: 'FM_CIRCUIT_TABLE',
  pollIntervalSeconds: 'AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS',
  nodeOptions: 'NODE_OPTIONS',
} as const;

/** The handler inside the bundle: `index.js`, export `handler`. */
export const ROUTER_HANDLER = 'index.handler';
export const ROUTER_RUNTIME = 'nodejs22.x';

export interface RouterFunctionProps {
  readonly functionName: string;
  /** The router's TypeScript entry point (exports `handler`), bundled with esbuild. */
  readonly entry: string;
  /** The routing table baked beside the bundle as `routing-table.json` (the cold-start fallback). */
  readonly routingTableJson: string;
  readonly region: string;
  /** Value of FM_ENVIRONMENT. */
  readonly environmentName: string;
  /** Where the AppConfig extension reads the routing table: names, not ids. */
  readonly appConfig: { readonly application: string; readonly environment: string; readonly profile: string; readonly pollIntervalSeconds: number };
  readonly circuitTableName: string;
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
        { sid: 'OwnLogGroup', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
        // X-Ray's segment APIs have no resource-level permissions: `*` is the only valid resource.
        { sid: 'Tracing', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
      ],
    });

    const bundle = routerBundle(props.entry, props.bundleCacheDir ?? DEFAULTS.bundleCacheDir());
    const pkg = writeRouterPackage(bundle, props.routingTableJson, props.packageDir ?? DEFAULTS.packageDir());
    const asset = new TerraformAsset(this, 'Code', { path: pkg.path, type: AssetType.FILE });

    const fn = new LambdaFunction(this, 'Resource', {
      functionName: props.functionName,
      role: this.role.arn,
      handler: ROUTER_HANDLER,
      runtime: ROUTER_RUNTIME,
      architectures: ['arm64'],
      filename: asset.path,
      sourceCodeHash: pkg.sha256,
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      layers: [APPCONFIG_EXTENSION_ARM64_LAYERS[props.region]],
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.kmsKeyArn,
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      environment: {
        variables: {
          [ROUTER_ENVIRONMENT.environment]: props.environmentName,
          [ROUTER_ENVIRONMENT.appConfigApplication]: props.appConfig.application,
          [ROUTER_ENVIRONMENT.appConfigEnvironment]: props.appConfig.environment,
          [ROUTER_ENVIRONMENT.appConfigProfile]: props.appConfig.profile,
          [ROUTER_ENVIRONMENT.circuitTable]: props.circuitTableName,
          [ROUTER_ENVIRONMENT.pollIntervalSeconds]: String(props.appConfig.pollIntervalSeconds),
          [ROUTER_ENVIRONMENT.nodeOptions]: '--enable-source-maps',
        },
      },
      dependsOn: [logGroup, basics.resource],
    });
    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.invokeArn = fn.invokeArn;
    this.logGroupName = logGroup.name;
  }
}
