import { Testing } from 'cdktf';
import { parseSynth } from '../../stacks/synth-environment';
import { API_OPERATIONS, resourcePath, type ApiOperation } from '../../../contracts/http-api';
import { PlatformApi, type PlatformApiProps } from '../../../modules/api/platform-api';

const props: PlatformApiProps = {
  apiName: 'fm-test-api',
  region: 'us-east-1',
  account: '111111111111',
  handler: {
    functionName: 'fm-test-router',
    functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:fm-test-router',
  },
  streamingHandler: {
    functionName: 'fm-test-router-stream',
    functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:fm-test-router-stream',
  },
  throttle: { rateLimit: 50, burstLimit: 100 },
  consumers: [
    { name: 'web-app', throttle: { rateLimit: 20, burstLimit: 40 }, monthlyQuota: 1000 },
    { name: 'support-desk', throttle: { rateLimit: 10, burstLimit: 20 } },
  ],
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/abc',
};

function synth(p: PlatformApiProps) {
  return parseSynth(Testing.synthScope((scope) => void new PlatformApi(scope, 'Api', p)));
}

interface OpenApiOperation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean }[];
  'x-amazon-apigateway-auth'?: { type: string };
  'x-amazon-apigateway-integration': {
    type: string;
    httpMethod: string;
    uri: string;
    timeoutInMillis: number;
    responseTransferMode?: string;
  };
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { securitySchemes: Record<string, Record<string, unknown>> };
  'x-amazon-apigateway-api-key-source': string;
  'x-amazon-apigateway-gateway-responses'?: Record<string, unknown>;
}

/** The REST API's OpenAPI body as synthesized, and its operations by id. */
function openApi(json: ReturnType<typeof synth>) {
  const api = Object.values(json.resource.aws_api_gateway_rest_api)[0] as {
    body: string;
    put_rest_api_mode: string;
    fail_on_warnings: boolean;
  };
  const doc = JSON.parse(api.body) as OpenApiDocument;
  const operations = new Map<string, OpenApiOperation & { method: string; path: string }>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) operations.set(op.operationId, { ...op, method, path });
  return { api, doc, operations };
}

const STREAMING_URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:111111111111:function:fm-test-router-stream/response-streaming-invocations';

describe('PlatformApi', () => {
  it('defines the whole API as one OpenAPI body: every operation of the contract, SigV4 and an API key on each, a Lambda proxy integration', () => {
    const json = synth(props);
    const { api, doc, operations } = openApi(json);
    // The document is the API: no method, resource or integration is managed beside it.
    for (const type of ['aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration'])
      expect(json.resource[type]).toBeUndefined();
    expect(api).toMatchObject({ put_rest_api_mode: 'overwrite', fail_on_warnings: true });
    expect(doc).toMatchObject({ openapi: '3.0.1', info: { title: 'fm-test-api' } });
    expect([...operations.keys()].sort()).toEqual(Object.keys(API_OPERATIONS).sort());
    for (const op of Object.keys(API_OPERATIONS) as ApiOperation[]) {
      const got = operations.get(op)!;
      expect([got.method.toUpperCase(), got.path]).toEqual([API_OPERATIONS[op].method, resourcePath(op)]);
      expect(got['x-amazon-apigateway-auth']).toEqual({ type: 'AWS_IAM' });
      expect(got.security).toEqual([{ api_key: [] }]);
      expect(got['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST' });
    }
    expect(doc.components?.securitySchemes.api_key).toEqual({ type: 'apiKey', name: 'x-api-key', in: 'header' });
    expect(doc['x-amazon-apigateway-api-key-source']).toBe('HEADER');
    expect(operations.get('converse')?.parameters).toEqual([
      { name: 'route', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  it('streams chat completions and converse-stream through the streaming twin (STREAM, response-streaming-invocations); the rest stays buffered on the router', () => {
    const { operations } = openApi(synth(props));
    const integrations = Object.fromEntries(
      [...operations].map(([id, op]) => [id, op['x-amazon-apigateway-integration']]),
    );
    for (const id of ['chatCompletions', 'converseStream'])
      expect(integrations[id]).toEqual({
        type: 'aws_proxy',
        httpMethod: 'POST',
        passthroughBehavior: 'when_no_match',
        uri: STREAMING_URI,
        timeoutInMillis: 900000,
        responseTransferMode: 'STREAM',
      });
    for (const id of ['converse', 'listRoutes', 'listModels', 'getModel'])
      expect(integrations[id]).toEqual({
        type: 'aws_proxy',
        httpMethod: 'POST',
        passthroughBehavior: 'when_no_match',
        uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:fm-test-router/invocations',
        timeoutInMillis: 29000,
      });
  });

  it('gives each consumer a key and a usage plan with its throttle and quota', () => {
    const json = synth(props);
    const plans = Object.values(json.resource.aws_api_gateway_usage_plan);
    expect(plans.map((p) => p.name).sort()).toEqual(['fm-test-api-support-desk', 'fm-test-api-web-app']);
    expect(plans.find((p) => p.name === 'fm-test-api-web-app')).toMatchObject({
      throttle_settings: { rate_limit: 20, burst_limit: 40 },
      quota_settings: { limit: 1000, period: 'MONTH' },
    });
    expect(Object.keys(json.resource.aws_api_gateway_api_key)).toHaveLength(2);
    expect(Object.keys(json.resource.aws_api_gateway_usage_plan_key)).toHaveLength(2);
  });

  it('logs access as JSON without bodies, traces, and keeps data trace off with metrics on', () => {
    const json = synth(props);
    const stage = Object.values(json.resource.aws_api_gateway_stage)[0] as {
      xray_tracing_enabled: boolean;
      access_log_settings: { format: string };
    };
    expect(stage.xray_tracing_enabled).toBe(true);
    const format = JSON.parse(stage.access_log_settings.format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(stage.access_log_settings.format.toLowerCase()).not.toContain('body');
    const settings = Object.values(json.resource.aws_api_gateway_method_settings)[0] as {
      settings: Record<string, unknown>;
    };
    expect(settings.settings).toMatchObject({
      metrics_enabled: true,
      data_trace_enabled: false,
      throttling_rate_limit: 50,
      throttling_burst_limit: 100,
    });
    expect(Object.values(json.resource.aws_cloudwatch_log_group)[0]).toMatchObject({
      kms_key_id: props.kmsKeyArn,
      retention_in_days: 30,
    });
  });

  it('lets only this API stage invoke the router and its streaming twin', () => {
    const permissions = Object.values(synth(props).resource.aws_lambda_permission) as {
      function_name: string;
      action: string;
      source_arn: string;
      principal: string;
    }[];
    expect(permissions.map((p) => p.function_name).sort()).toEqual([
      props.handler.functionArn,
      props.streamingHandler.functionArn,
    ]);
    for (const permission of permissions) {
      // InvokeWithResponseStream takes lambda:InvokeFunction too.
      expect(permission).toMatchObject({ principal: 'apigateway.amazonaws.com', action: 'lambda:InvokeFunction' });
      expect(permission.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.Api_[0-9A-F]+\.execution_arn\}\/live\/\*$/);
    }
  });

  it('requires no API key when there are no consumers, and adds no web ACL unless asked', () => {
    const json = synth({ ...props, consumers: [] });
    const { doc, operations } = openApi(json);
    for (const op of operations.values()) {
      expect(op.security).toBeUndefined();
      expect(op['x-amazon-apigateway-auth']).toEqual({ type: 'AWS_IAM' });
    }
    expect(doc.components).toBeUndefined();
    expect(json.resource.aws_wafv2_web_acl).toBeUndefined();
  });

  it('defaults to the live stage, integration timeouts of 29000 ms (900000 ms streaming) and 30 days of access logs', () => {
    const json = synth(props);
    expect(Object.values(json.resource.aws_api_gateway_stage)[0]).toMatchObject({ stage_name: 'live' });
    const timeouts = (j: typeof json) =>
      [...openApi(j).operations.values()].map((op) => op['x-amazon-apigateway-integration'].timeoutInMillis).sort();
    expect(timeouts(json)).toEqual([29000, 29000, 29000, 29000, 900000, 900000]);
    expect(Object.values(json.resource.aws_cloudwatch_log_group)[0]).toMatchObject({
      name: '/aws/apigateway/fm-test-api/live/access',
      retention_in_days: 30,
    });
    const custom = synth({
      ...props,
      stageName: 'beta',
      integrationTimeoutMs: 10000,
      streamingTimeoutMs: 60000,
      logRetentionDays: 90,
    });
    expect(Object.values(custom.resource.aws_api_gateway_stage)[0]).toMatchObject({ stage_name: 'beta' });
    expect(timeouts(custom)).toEqual([10000, 10000, 10000, 10000, 60000, 60000]);
    expect(Object.values(custom.resource.aws_cloudwatch_log_group)[0]).toMatchObject({ retention_in_days: 90 });
  });

  it('declares the execution log group API Gateway would create, keyed and retained, before the stage logs to it', () => {
    const json = synth({ ...props, logRetentionDays: 90 });
    const groups = json.resource.aws_cloudwatch_log_group;
    const [id, execution] = Object.entries(groups).find(([, g]) =>
      String(g.name).startsWith('API-Gateway-Execution-Logs_'),
    ) ?? [undefined, undefined];
    if (id === undefined || execution === undefined) throw new Error('no execution log group');
    // API Gateway's own name: API-Gateway-Execution-Logs_<rest api id>/<stage>.
    expect(execution.name).toMatch(
      /^API-Gateway-Execution-Logs_\$\{aws_api_gateway_rest_api\.Api_[0-9A-F]+\.id\}\/live$/,
    );
    expect(execution).toMatchObject({ kms_key_id: props.kmsKeyArn, retention_in_days: 90 });
    // The stage and the method settings (which turn execution logging on) wait for the group.
    const stage = Object.values(json.resource.aws_api_gateway_stage)[0];
    const settings = Object.values(json.resource.aws_api_gateway_method_settings)[0];
    expect(stage.depends_on).toContain(`aws_cloudwatch_log_group.${id}`);
    expect(settings.depends_on).toContain(`aws_cloudwatch_log_group.${id}`);
  });

  it('serves each operation at <invoke url>/v1/...: the version once, from the resources, never from the stage too', () => {
    const json = synth(props);
    const stage = Object.values(json.resource.aws_api_gateway_stage)[0] as { stage_name: string };
    for (const op of Object.keys(API_OPERATIONS) as ApiOperation[]) {
      const path = `/${stage.stage_name}${resourcePath(op)}`;
      expect(path.split('/').filter((segment) => segment === 'v1')).toHaveLength(1);
    }
  });

  it('redeploys on any change to the OpenAPI body, hashed as Terraform resolves it (a changed function ARN too)', () => {
    const json = synth(props);
    const deployment = Object.values(json.resource.aws_api_gateway_deployment)[0] as {
      triggers: { redeployment: string };
      lifecycle: { create_before_destroy: boolean };
      depends_on: string[];
    };
    const api = Object.keys(json.resource.aws_api_gateway_rest_api)[0];
    expect(deployment.triggers.redeployment).toBe(`\${sha1(aws_api_gateway_rest_api.${api}.body)}`);
    expect(deployment.lifecycle.create_before_destroy).toBe(true);
    // Not before API Gateway may invoke the functions.
    expect(deployment.depends_on).toEqual(
      Object.keys(json.resource.aws_lambda_permission).map((id) => `aws_lambda_permission.${id}`),
    );
  });

  it('fails if a consumer may go faster than the stage', () => {
    expect(() =>
      synth({ ...props, consumers: [{ name: 'greedy', throttle: { rateLimit: 500, burstLimit: 10 } }] }),
    ).toThrow("a consumer's rate limit must not exceed the stage's 50, but greedy 500 was provided");
  });
});
