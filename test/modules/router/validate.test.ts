import { Testing, TerraformVariable } from 'cdktf';
import { join } from 'node:path';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from '../../../modules/router/appconfig-layers';
import { RouterFunction, type RouterFunctionProps } from '../../../modules/router/router-function';
import { parseSynth } from '../../stacks/synth-environment';
import { propsFailure, testStack } from '../../support/props';

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
};
const make = (change: Partial<RouterFunctionProps>) => () =>
  new RouterFunction(testStack(), 'Router', { ...props, ...change });

describe('RouterFunction rules', () => {
  it.each<[string, Partial<RouterFunctionProps>, string]>([
    [
      'the function name leaves no room for its role name',
      { functionName: 'f'.repeat(60) },
      `function name must be 1 to 59 letters, digits, hyphens and underscores (its role adds -role within iam's 64), but ${'f'.repeat(60)} was provided`,
    ],
    [
      'the function name has a space',
      { functionName: 'fm router' },
      "function name must be 1 to 59 letters, digits, hyphens and underscores (its role adds -role within iam's 64), but fm router was provided",
    ],
    [
      'reserved concurrency is 0',
      { reservedConcurrency: 0 },
      'reserved concurrency must be 1 or more, but 0 was provided',
    ],
    ['memory is below 128 mb', { memoryMb: 64 }, 'memory must be 128 to 10240 mb, but 64 was provided'],
    [
      'the timeout exceeds the api integration limit',
      { timeoutSeconds: 30 },
      'timeout must be 1 to 29 seconds (the api integration limit), but 30 was provided',
    ],
    [
      'the region has no appconfig extension layer',
      { region: 'constructor' },
      `region must have an appconfig extension arm64 layer (${Object.keys(APPCONFIG_EXTENSION_ARM64_LAYERS).join(', ')}), but constructor was provided`,
    ],
    [
      'log retention is not a cloudwatch value',
      { logRetentionDays: 2 },
      'log retention must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, but 2 was provided',
    ],
    [
      'the appconfig poll interval is 0',
      { appConfig: { ...props.appConfig, pollIntervalSeconds: 0 } },
      'appconfig poll interval must be 1 second or more, but 0 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`RouterFunction at stack/Router: ${message}`);
  });

  it('fails with every broken rule at once', () => {
    expect(propsFailure(make({ memoryMb: 64, reservedConcurrency: 0 })).failures).toEqual([
      'reserved concurrency must be 1 or more, but 0 was provided',
      'memory must be 128 to 10240 mb, but 64 was provided',
    ]);
  });

  it('passes a memory size and a concurrency that are unresolved tokens to Terraform untouched', () => {
    const json = parseSynth(
      Testing.synthScope((scope) => {
        const memory = new TerraformVariable(scope, 'memory', { type: 'number' });
        const concurrency = new TerraformVariable(scope, 'concurrency', { type: 'number' });
        new RouterFunction(scope, 'Router', {
          ...props,
          memoryMb: memory.numberValue,
          reservedConcurrency: concurrency.numberValue,
        });
      }),
    );
    expect(Object.values(json.resource.aws_lambda_function)[0]).toMatchObject({
      memory_size: '${var.memory}',
      reserved_concurrent_executions: '${var.concurrency}',
    });
  });
});
