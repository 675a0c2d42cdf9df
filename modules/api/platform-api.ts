import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { API_OPERATIONS, type ApiOperation } from '../../contracts/http-api';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { validateProps } from '../validation';
import { MAX_INTEGRATION_TIMEOUT_MS, MAX_STREAMING_INTEGRATION_TIMEOUT_MS, PLATFORM_API_RULES } from './validate';
import { KeyAuthorizer } from './key-authorizer';
import { platformOpenApi, type GatewayResponse } from './openapi';
import { RegionalWebAcl } from './web-acl';

export interface ApiThrottle {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Burst size in requests. */
  readonly burstLimit: number;
}

export interface ApiConsumer {
  /** Kebab-case team id: names the key and the usage plan. */
  readonly name: string;
  readonly throttle: ApiThrottle;
  /** Requests per month. @default - no quota */
  readonly monthlyQuota?: number;
  /** The team's bearer keys as SHA-256 hashes (`npm run keys`); revoked ones are refused. @default - none */
  readonly keys?: readonly { readonly sha256: string; readonly revoked?: boolean }[];
}

/** A function the API invokes: its name as written, and its ARN attribute (see PlatformApiProps.handler). */
export interface LambdaTarget {
  readonly functionName: string;
  readonly functionArn: string;
}

/** A Lambda function's ARN from its name, and the URI API Gateway invokes it by (buffered). */
export const lambdaArn = (region: string, account: string, name: string) =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;
const invocationUri = (region: string, functionArn: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

/** The API-key authorizer's code and where its package is built (modules/api/key-authorizer.ts). */
export interface ApiAuthorizerProps {
  readonly functionName: string;
  /** functions/authorizer/index.ts */
  readonly entry: string;
  readonly bundleCacheDir: string;
  readonly packageDir: string;
}

export interface PlatformApiProps {
  /** The REST API's name (also names its stage's log group and web ACL). */
  readonly apiName: string;
  /**
   * The stage: the first segment of every URL, before the operations' own paths (which start with
   * the version, `/v1/...`), so it must not be `v1` too. @default 'live'
   */
  readonly stageName?: string;
  /** The API's Region and account: the OpenAPI document names the functions by ARN, built from them. */
  readonly region: string;
  readonly account: string;
  /**
   * The router, invoked buffered by the operations that answer whole. `functionName` as written (a
   * literal: the document names the function by the ARN built from it, so that the API does not
   * depend on the function, whose key's policy names the API's execution log group); `functionArn`
   * the function's attribute, so that API Gateway's permission waits for the function.
   */
  readonly handler: LambdaTarget;
  /**
   * The router's streaming twin (handler `index.streamingHandler`), invoked with response streaming
   * by the operations that may stream (contracts/http-api.ts `streaming`): chat completions and
   * converse-stream. As `handler`.
   */
  readonly streamingHandler: LambdaTarget;
  /** Stage-wide throttling. */
  readonly throttle: ApiThrottle;
  /**
   * Teams calling with an API key. With `authorizer` and at least one consumer, every method takes the
   * team's bearer key through the authorizer instead of SigV4 (AWS callers keep SigV4 on the router's
   * function URL); without an authorizer, SigV4 plus the team's API Gateway key in `x-api-key`; with no
   * consumers, SigV4 alone.
   */
  readonly consumers: readonly ApiConsumer[];
  /** The bearer-key authorizer. @default - none */
  readonly authorizer?: ApiAuthorizerProps;
  /** Encrypts the access log group. */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** The buffered integrations' timeout. @default 29000 */
  readonly integrationTimeoutMs?: number;
  /** The streaming integrations' timeout. @default 900000 (15 minutes) */
  readonly streamingTimeoutMs?: number;
  /**
   * A regional WAF web ACL on the stage, its rate limits sized from the throttles (webAclLimits).
   * @default false
   */
  readonly waf?: boolean;
}

/** The optional props' defaults. */
const DEFAULTS = {
  stageName: 'live',
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  /** The longest API Gateway allows: the router's timeout, shorter, ends a slow request first. */
  integrationTimeoutMs: MAX_INTEGRATION_TIMEOUT_MS,
  /** The longest a streamed response may last: again the router's own timeout, shorter, ends it first. */
  streamingTimeoutMs: MAX_STREAMING_INTEGRATION_TIMEOUT_MS,
} as const;

/** The operations whose bodies are prompts: the WAF's body rules only count on them. */
export const INFERENCE_OPERATIONS: readonly ApiOperation[] = ['converse', 'converseStream', 'chatCompletions'];

/**
 * A URI path regex (WAF's syntax) for one operation, path parameters as one segment each. Anchored
 * at the end only: the path WAF inspects starts with the stage (`/live/v1/...`).
 */
export function wafPathPattern(operation: ApiOperation): string {
  const segments = API_OPERATIONS[operation].path.map((s) =>
    /^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return `/${segments.join('/')}/?$`;
}

/**
 * WAF's rate limits, from the throttles API Gateway enforces behind it: over a 5-minute window a
 * token bucket lets through at most rate × 300 + burst, so the web ACL never blocks what the stage
 * or a usage plan would serve. Per IP it is the stage's whole allowance (every consumer may sit
 * behind one NAT address); per API key the largest consumer's. WAF is the backstop for floods
 * (keyless, or one key from many addresses), not the throttle.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export function webAclLimits(
  stage: ApiThrottle,
  consumers: readonly ApiConsumer[],
): { perIpLimitPer5Minutes: number; perApiKeyLimitPer5Minutes?: number } {
  const in5Minutes = (t: ApiThrottle) => Math.ceil(t.rateLimit * 300 + t.burstLimit);
  return {
    perIpLimitPer5Minutes: in5Minutes(stage),
    ...(consumers.length > 0
      ? { perApiKeyLimitPer5Minutes: Math.max(...consumers.map((c) => in5Minutes(c.throttle))) }
      : {}),
  };
}

const API_DESCRIPTION = 'fm-platform model router';

/**
 * OpenAI-shaped bodies for the authorizer's refusals, so an OpenAI client raises its own
 * AuthenticationError / PermissionDeniedError with a message.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
const AUTHORIZER_REFUSALS: Readonly<Record<string, GatewayResponse>> = Object.fromEntries(
  (
    [
      [
        'UNAUTHORIZED',
        '401',
        'Missing or unknown API key: send it as Authorization: Bearer <key> or x-api-key.',
        'invalid_api_key',
      ],
      ['ACCESS_DENIED', '403', 'This API key is revoked: ask the platform team for a new one.', 'revoked_api_key'],
    ] as const
  ).map(([type, statusCode, message, code]) => [
    type,
    { statusCode, body: JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }) },
  ]),
);

/** Access log fields: who, what, outcome and timings; never a request or response body. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  apiKeyId: '$context.identity.apiKeyId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  route: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  errorMessage: '$context.error.message',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
});

/**
 * The regional REST API in front of the router, defined by one OpenAPI document (openapi.ts): every
 * operation a Lambda proxy, the buffered router for whole answers and its streaming twin, through a
 * STREAM integration, for the operations that may stream; on every method either the consumers'
 * bearer keys (the key authorizer, with the usage identifier it returns) or IAM (SigV4) auth. Around
 * it, as resources: API keys and a usage plan per consumer, stage throttling, JSON access logs to an
 * encrypted log group, X-Ray, metrics on and data trace off, optionally a WAF web ACL.
 *
 * API Gateway's CloudWatch role (`aws_api_gateway_account`) is one per account and Region, shared by
 * every API there: it is not created here (a second owner would fight over it). The account must
 * have it set before stage logging works.
 */
export class PlatformApi extends Construct {
  readonly restApiId: string;
  readonly apiName: string;
  readonly stageName: string;
  readonly stageArn: string;
  readonly invokeUrl: string;
  readonly executionArn: string;
  /** The log groups the stage writes to (access logs, execution logs): the environment key must let CloudWatch Logs use them. */
  readonly logGroupNames: readonly string[];
  /** The key authorizer's role (when there is one): it must be able to decrypt its environment. */
  readonly authorizerRole?: IamRole;

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);
    validateProps(this, 'PlatformApi', props, PLATFORM_API_RULES);
    const stageName = props.stageName ?? DEFAULTS.stageName;
    const apiKeyRequired = props.consumers.length > 0;
    const keyAuth = apiKeyRequired && props.authorizer !== undefined;

    const api = new ApiGatewayRestApi(this, 'Resource', {
      name: props.apiName,
      description: API_DESCRIPTION,
      endpointConfiguration: { types: ['REGIONAL'] },
      // AUTHORIZER: the usage plan's key is the authorizer's usageIdentifierKey, not a request header.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
      apiKeySource: keyAuth ? 'AUTHORIZER' : 'HEADER',
      // The whole API is the OpenAPI document below (openapi.ts says why). overwrite: the document is
      // the API, so an operation taken out of it is taken out of the API (merge would leave it
      // serving); fail_on_warnings: an import that API Gateway only partly understands (an extension
      // it ignores, such as a transfer mode it does not take) fails the apply instead of deploying a
      // different API than the one planned.
      // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/api_gateway_rest_api#put_rest_api_mode
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api-update.html
      putRestApiMode: 'overwrite',
      failOnWarnings: true,
    });

    const apiKeys = new Map<string, ApiGatewayApiKey>();
    for (const consumer of props.consumers) {
      apiKeys.set(
        consumer.name,
        new ApiGatewayApiKey(this, `ApiKey-${consumer.name}`, {
          name: `${props.apiName}-${consumer.name}`,
          enabled: true,
        }),
      );
    }
    const authorizer =
      keyAuth && props.authorizer
        ? new KeyAuthorizer(this, 'KeyAuthorizer', {
            ...props.authorizer,
            executionArn: api.executionArn,
            consumers: props.consumers.map((c) => ({
              name: c.name,
              usageKey: apiKeys.get(c.name)!.value,
              keyHashes: (c.keys ?? []).filter((k) => k.revoked !== true).map((k) => k.sha256),
              revokedHashes: (c.keys ?? []).filter((k) => k.revoked === true).map((k) => k.sha256),
            })),
            kmsKeyArn: props.kmsKeyArn,
            logRetentionDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
          })
        : undefined;

    // Functions by the ARNs their names give, not by their attributes: the document is then known at
    // plan time (the offline plan shows it whole), and the API does not wait for the functions, which
    // wait for the environment key, whose policy names this API's execution log group (a cycle).
    const arnOf = (name: string) => lambdaArn(props.region, props.account, name);
    api.body = JSON.stringify(
      platformOpenApi({
        title: props.apiName,
        description: API_DESCRIPTION,
        region: props.region,
        wholeInvokeArn: invocationUri(props.region, arnOf(props.handler.functionName)),
        streamingFunctionArn: arnOf(props.streamingHandler.functionName),
        auth:
          authorizer && props.authorizer
            ? { kind: 'authorizer', authorizerUri: invocationUri(props.region, arnOf(props.authorizer.functionName)) }
            : { kind: 'iam' },
        apiKeyRequired,
        apiKeySource: keyAuth ? 'AUTHORIZER' : 'HEADER',
        integrationTimeoutMs: props.integrationTimeoutMs ?? DEFAULTS.integrationTimeoutMs,
        streamingTimeoutMs: props.streamingTimeoutMs ?? DEFAULTS.streamingTimeoutMs,
        gatewayResponses: authorizer ? AUTHORIZER_REFUSALS : {},
      }),
    );

    const invokeRouter = new LambdaPermission(this, 'InvokeRouter', {
      statementId: 'AllowApiGatewayInvoke',
      action: 'lambda:InvokeFunction',
      functionName: props.handler.functionArn,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${api.executionArn}/${stageName}/*`,
    });
    // InvokeWithResponseStream takes the same lambda:InvokeFunction permission.
    // https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html
    const invokeStreaming = new LambdaPermission(this, 'InvokeStreamingRouter', {
      statementId: 'AllowApiGatewayInvoke',
      action: 'lambda:InvokeFunction',
      functionName: props.streamingHandler.functionArn,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${api.executionArn}/${stageName}/*`,
    });

    // A new deployment whenever the document changes (it holds every operation, integration,
    // authorizer and gateway response the deployment snapshots), hashed as Terraform resolves it, so a
    // changed function ARN redeploys too.
    // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/api_gateway_deployment#terraform-resources
    const deployment = new ApiGatewayDeployment(this, 'Deployment', {
      restApiId: api.id,
      triggers: { redeployment: Fn.sha1(api.body) },
      lifecycle: { createBeforeDestroy: true },
      // Not before API Gateway may call the functions (which the permissions wait for).
      dependsOn: [invokeRouter, invokeStreaming, ...(authorizer ? [authorizer.permission] : [])],
    });

    const logGroupNames = {
      access: `/aws/apigateway/${props.apiName}/${stageName}/access`,
      execution: `API-Gateway-Execution-Logs_${api.id}/${stageName}`,
    };
    const accessLogs = new CloudwatchLogGroup(this, 'AccessLogs', {
      name: logGroupNames.access,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    // Execution logging (loggingLevel below) writes to a group API Gateway creates on first use, with no
    // key and no retention, unless it exists: declare it under API Gateway's own name, before the stage.
    // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/api_gateway_stage#managing-the-api-logging-cloudwatch-log-group
    const executionLogs = new CloudwatchLogGroup(this, 'ExecutionLogs', {
      name: logGroupNames.execution,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const stage = new ApiGatewayStage(this, 'Stage', {
      restApiId: api.id,
      deploymentId: deployment.id,
      stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [executionLogs],
    });
    new ApiGatewayMethodSettings(this, 'MethodSettings', {
      dependsOn: [executionLogs],
      restApiId: api.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        dataTraceEnabled: false,
        loggingLevel: 'ERROR',
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });

    for (const consumer of props.consumers) {
      const plan = new ApiGatewayUsagePlan(this, `UsagePlan-${consumer.name}`, {
        name: `${props.apiName}-${consumer.name}`,
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        throttleSettings: { rateLimit: consumer.throttle.rateLimit, burstLimit: consumer.throttle.burstLimit },
        quotaSettings:
          consumer.monthlyQuota === undefined ? undefined : { limit: consumer.monthlyQuota, period: 'MONTH' },
      });
      const key = apiKeys.get(consumer.name)!;
      new ApiGatewayUsagePlanKey(this, `UsagePlanKey-${consumer.name}`, {
        keyId: key.id,
        keyType: 'API_KEY',
        usagePlanId: plan.id,
      });
    }

    if (props.waf) {
      new RegionalWebAcl(this, 'WebAcl', {
        name: `${props.apiName}-${stageName}`,
        ...webAclLimits(props.throttle, props.consumers),
        inferencePathPatterns: INFERENCE_OPERATIONS.map((op) => wafPathPattern(op)),
        resourceArn: stage.arn,
      });
    }

    this.authorizerRole = authorizer?.role;
    this.restApiId = api.id;
    this.apiName = props.apiName;
    this.stageName = stageName;
    this.stageArn = stage.arn;
    this.invokeUrl = stage.invokeUrl;
    this.executionArn = api.executionArn;
    // The names as written, not the groups' attributes: the key's policy names them, and the groups use the key.
    this.logGroupNames = [
      logGroupNames.access,
      logGroupNames.execution,
      ...(authorizer ? [authorizer.logGroupName] : []),
    ];
  }
}
