import { Testing } from 'cdktf';
import { parseSynth } from '../../stacks/synth-environment';
import { API_OPERATIONS, resourcePath, type ApiOperation } from '../../../contracts/http-api';
import { PlatformApi, type PlatformApiProps } from '../../../modules/api/platform-api';

const props: PlatformApiProps = {
  apiName: 'fm-test-api',
  handler: {
    functionName: 'fm-test-router',
    invokeArn: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations',
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

describe('PlatformApi', () => {
  it('serves the five whole-response routes (not the streaming one), each with AWS_IAM auth, an API key and a Lambda proxy integration', () => {
    const json = synth(props);
    const methods = Object.values(json.resource.aws_api_gateway_method);
    expect(methods.map((m) => m.http_method).sort()).toEqual(['GET', 'GET', 'GET', 'POST', 'POST']);
    for (const m of methods) expect(m).toMatchObject({ authorization: 'AWS_IAM', api_key_required: true });
    const paths = (Object.values(json.resource.aws_api_gateway_resource) as { path_part: string }[])
      .map((r) => r.path_part)
      .sort();
    expect(paths).toEqual(['chat', 'completions', 'converse', 'models', 'routes', 'v1', '{model}', '{route}'].sort());
    expect(paths).not.toContain('converse-stream');
    for (const i of Object.values(json.resource.aws_api_gateway_integration)) {
      expect(i).toMatchObject({ type: 'AWS_PROXY', integration_http_method: 'POST', timeout_milliseconds: 29000 });
    }
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

  it('lets only this API stage invoke the router', () => {
    const permission = Object.values(synth(props).resource.aws_lambda_permission)[0] as {
      source_arn: string;
      principal: string;
    };
    expect(permission.principal).toBe('apigateway.amazonaws.com');
    expect(permission.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.Api_[0-9A-F]+\.execution_arn\}\/live\/\*$/);
  });

  it('requires no API key when there are no consumers, and adds no web ACL unless asked', () => {
    const json = synth({ ...props, consumers: [] });
    for (const m of Object.values(json.resource.aws_api_gateway_method)) expect(m.api_key_required).toBe(false);
    expect(json.resource.aws_wafv2_web_acl).toBeUndefined();
  });

  it('defaults to the live stage, a 29000 ms integration timeout and 30 days of access logs', () => {
    const json = synth(props);
    expect(Object.values(json.resource.aws_api_gateway_stage)[0]).toMatchObject({ stage_name: 'live' });
    const integrations = Object.values(json.resource.aws_api_gateway_integration);
    expect(integrations.map((i) => i.timeout_milliseconds)).toEqual([29000, 29000, 29000, 29000, 29000]);
    expect(Object.values(json.resource.aws_cloudwatch_log_group)[0]).toMatchObject({
      name: '/aws/apigateway/fm-test-api/live/access',
      retention_in_days: 30,
    });
    const custom = synth({ ...props, stageName: 'beta', integrationTimeoutMs: 10000, logRetentionDays: 90 });
    expect(Object.values(custom.resource.aws_api_gateway_stage)[0]).toMatchObject({ stage_name: 'beta' });
    expect(Object.values(custom.resource.aws_api_gateway_integration).map((i) => i.timeout_milliseconds)).toEqual([
      10000, 10000, 10000, 10000, 10000,
    ]);
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

  it('redeploys on any change to a resource, method or integration: the trigger hashes every one of them whole', () => {
    const json = synth(props);
    const deployment = Object.values(json.resource.aws_api_gateway_deployment)[0] as {
      triggers: { redeployment: string };
    };
    const m = /^\$\{sha1\(jsonencode\(\[(.*)\]\)\)\}$/.exec(deployment.triggers.redeployment);
    if (!m) throw new Error(`the trigger is not a hash of resources: ${deployment.triggers.redeployment}`);
    const hashed = m[1].split(',').map((a) => a.trim());
    const expected = ['aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration'].flatMap(
      (type) => Object.keys(json.resource[type]).map((name) => `${type}.${name}`),
    );
    // Whole objects (no .id): a changed authorization, key requirement or integration timeout changes the hash.
    expect(hashed.sort()).toEqual(expected.sort());
    expect(hashed).toHaveLength(8 + 5 + 5);
  });

  it('fails if a consumer may go faster than the stage', () => {
    expect(() =>
      synth({ ...props, consumers: [{ name: 'greedy', throttle: { rateLimit: 500, burstLimit: 10 } }] }),
    ).toThrow("a consumer's rate limit must not exceed the stage's 50, but greedy 500 was provided");
  });
});
