import { Testing } from 'cdktf';
import { parseSynth } from '../../stacks/synth-environment';
import { join } from 'node:path';
import { RouterFunction, type RouterFunctionProps } from '../../../modules/router/router-function';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from '../../../modules/router/appconfig-layers';

const props: RouterFunctionProps = {
  functionName: 'fm-test-router',
  entry: join(__dirname, '..', '..', '..', 'functions', 'router', 'index.ts'),
  routingTableJson: '{"schemaVersion":1}',
  region: 'us-west-2',
  environmentName: 'test',
  appConfig: { application: 'fm-test', environment: 'test', profile: 'routing-table', pollIntervalSeconds: 45 },
  circuitTableName: 'fm-test-circuits',
  memoryMb: 1024,
  reservedConcurrency: 20,
  timeoutSeconds: 28,
  kmsKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/abc',
  logRetentionDays: 14,
};

function synth(p: RouterFunctionProps) {
  return parseSynth(Testing.synthScope((scope) => void new RouterFunction(scope, 'Router', p)));
}

describe('RouterFunction', () => {
  it("runs Node.js 22 on arm64 with the Region's AppConfig extension layer, X-Ray and a KMS key", () => {
    const fn = Object.values(synth(props).resource.aws_lambda_function)[0];
    expect(fn).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      layers: ['arn:aws:lambda:us-west-2:359756378197:layer:AWS-AppConfig-Extension-Arm64:275'],
      reserved_concurrent_executions: 20,
      memory_size: 1024,
      timeout: 28,
      tracing_config: { mode: 'Active' },
      kms_key_arn: 'arn:aws:kms:us-west-2:111111111111:key/abc',
    });
    expect(APPCONFIG_EXTENSION_ARM64_LAYERS['us-east-1']).toMatch(
      /^arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension-Arm64:\d+$/,
    );
  });

  it('passes the router exactly the contracted environment variables', () => {
    const fn = Object.values(synth(props).resource.aws_lambda_function)[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables).toEqual({
      FM_ENVIRONMENT: 'test',
      FM_APPCONFIG_APPLICATION: 'fm-test',
      FM_APPCONFIG_ENVIRONMENT: 'test',
      FM_APPCONFIG_PROFILE: 'routing-table',
      FM_CIRCUIT_TABLE: 'fm-test-circuits',
      // No cacheTableName: no route of the environment caches.
      FM_CACHE_TABLE: '',
      // No spendTableName: no consumer has limits.
      FM_SPEND_TABLE: '',
      AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '45',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('writes its own encrypted log group /aws/lambda/<name> with retention', () => {
    const group = Object.values(synth(props).resource.aws_cloudwatch_log_group)[0];
    expect(group).toMatchObject({
      name: '/aws/lambda/fm-test-router',
      retention_in_days: 14,
      kms_key_id: props.kmsKeyArn,
    });
  });

  it('keeps its logs 30 days unless told otherwise', () => {
    const group = Object.values(synth({ ...props, logRetentionDays: undefined }).resource.aws_cloudwatch_log_group)[0];
    expect(group).toMatchObject({ retention_in_days: 30 });
  });

  it('packages the bundle as a cdktf asset zip with no archive provider, hashed as Lambda reports it', () => {
    const json = synth(props);
    const fn = Object.values(json.resource.aws_lambda_function)[0] as { filename: string; source_code_hash: string };
    expect(fn.filename).toMatch(/\/router-[0-9a-f]{16}\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(json.data?.archive_file).toBeUndefined();
  });

  it.each([
    [{ reservedConcurrency: 0 }, 'reserved concurrency must be 1 or more, but 0 was provided'],
    [{ timeoutSeconds: 30 }, 'timeout must be 1 to 29 seconds (the api integration limit), but 30 was provided'],
    [{ memoryMb: 64 }, 'memory must be 128 to 10240 mb, but 64 was provided'],
    [{ region: 'xx-nowhere-1' }, 'region must have an appconfig extension arm64 layer'],
  ])('fails with invalid props %j', (change, message) => {
    expect(() => synth({ ...props, ...change })).toThrow(message);
  });

  it('adds, with streamingUrl, a streaming twin of the function behind a RESPONSE_STREAM function URL with IAM auth', () => {
    const json = synth({ ...props, streamingUrl: true });
    const fns = Object.values(json.resource.aws_lambda_function) as {
      function_name: string;
      handler: string;
      reserved_concurrent_executions?: number;
      environment: unknown;
    }[];
    expect(fns.map((f) => [f.function_name, f.handler])).toEqual([
      ['fm-test-router', 'index.handler'],
      ['fm-test-router-stream', 'index.streamingHandler'],
    ]);
    expect(fns[1].environment).toEqual(fns[0].environment);
    expect(fns[1].reserved_concurrent_executions).toBeUndefined();
    expect(Object.values(json.resource.aws_lambda_function_url)).toEqual([
      expect.objectContaining({ authorization_type: 'AWS_IAM', invoke_mode: 'RESPONSE_STREAM' }),
    ]);
    const groups = Object.values(json.resource.aws_cloudwatch_log_group) as { name: string; kms_key_id: string }[];
    expect(groups.map((g) => g.name)).toEqual(['/aws/lambda/fm-test-router', '/aws/lambda/fm-test-router-stream']);
    for (const g of groups) expect(g.kms_key_id).toBe(props.kmsKeyArn);
  });

  it('adds no streaming function by default', () => {
    expect(synth(props).resource.aws_lambda_function_url).toBeUndefined();
  });
});
