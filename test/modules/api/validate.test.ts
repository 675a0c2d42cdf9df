import { Testing, TerraformVariable } from 'cdktf';
import { PlatformApi, type PlatformApiProps } from '../../../modules/api/platform-api';
import { RegionalWebAcl, type RegionalWebAclProps } from '../../../modules/api/web-acl';
import { parseSynth } from '../../stacks/synth-environment';
import { propsFailure, testStack } from '../../support/props';

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
  consumers: [{ name: 'web-app', throttle: { rateLimit: 20, burstLimit: 40 }, monthlyQuota: 1000 }],
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/abc',
};
const make = (change: Partial<PlatformApiProps>) => () => new PlatformApi(testStack(), 'Api', { ...props, ...change });
const consumer = (name: string, rateLimit = 10, burstLimit = 20, monthlyQuota?: number) => ({
  name,
  throttle: { rateLimit, burstLimit },
  monthlyQuota,
});

describe('PlatformApi rules', () => {
  it.each<[string, Partial<PlatformApiProps>, string]>([
    [
      'the stage name has a dot',
      { stageName: 'v1.0' },
      'stage name must be 1 to 128 letters, digits, hyphens and underscores, but v1.0 was provided',
    ],
    [
      "the stage repeats the operations' version prefix",
      { stageName: 'v1' },
      "stage name must differ from the operations' path prefix v1 (clients would call /v1/v1/...), but v1 was provided",
    ],
    [
      'the stage throttle has no burst',
      { throttle: { rateLimit: 50, burstLimit: 0 } },
      'stage throttle must have a positive rate and a burst of 1 or more, but rate 50 and burst 0 were provided',
    ],
    [
      'a consumer name is not kebab-case',
      { consumers: [consumer('Web App')] },
      'consumer names must be kebab-case, but "Web App" was provided',
    ],
    [
      'two consumers share a name',
      { consumers: [consumer('web-app'), consumer('web-app')] },
      'consumer names must be unique, but web-app, web-app were provided',
    ],
    [
      'a consumer throttle has no rate',
      { consumers: [consumer('web-app', 0)] },
      "a consumer's throttle must have a positive rate and a burst of 1 or more, but web-app rate 0 and burst 20 was provided",
    ],
    [
      'a consumer may go faster than the stage',
      { consumers: [consumer('greedy', 500)] },
      "a consumer's rate limit must not exceed the stage's 50, but greedy 500 was provided",
    ],
    [
      'a monthly quota is 0',
      { consumers: [consumer('web-app', 10, 20, 0)] },
      "a consumer's monthly quota must be 1 request or more, but web-app 0 was provided",
    ],
    [
      'log retention is not a cloudwatch value',
      { logRetentionDays: 0 },
      'log retention must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, but 0 was provided',
    ],
    [
      'the integration timeout exceeds 29 s',
      { integrationTimeoutMs: 30000 },
      'integration timeout must be 50 to 29000 ms, but 30000 was provided',
    ],
    [
      'the streaming integration timeout exceeds 15 minutes',
      { streamingTimeoutMs: 900001 },
      'streaming integration timeout must be 50 to 900000 ms, but 900001 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`PlatformApi at stack/Api: ${message}`);
  });

  it('fails if the throttles size a web acl rate limit below 10, naming the web acl inside the api', () => {
    // 0.01 requests per second and a burst of 1: 4 requests in 5 minutes.
    expect(propsFailure(make({ waf: true, throttle: { rateLimit: 0.01, burstLimit: 1 }, consumers: [] })).message).toBe(
      'RegionalWebAcl at stack/Api/WebAcl: waf per-ip rate limit must be 10 to 2000000000 requests per 5 minutes, but 4 was provided',
    );
  });

  it('fails if a function name is a resource attribute: the OpenAPI body must name each function by a known ARN', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    expect(
      propsFailure(
        () =>
          new PlatformApi(stack, 'Api', { ...props, handler: { ...props.handler, functionName: name.stringValue } }),
      ).message,
    ).toBe(
      'PlatformApi at stack/Api: function names must be written out, not resource attributes (the OpenAPI body names each function by the ARN its name gives), but the handler name was a token',
    );
  });

  it('passes stage throttles that are unresolved tokens to Terraform untouched', () => {
    const json = parseSynth(
      Testing.synthScope((scope) => {
        const rate = new TerraformVariable(scope, 'rate', { type: 'number' });
        new PlatformApi(scope, 'Api', { ...props, throttle: { rateLimit: rate.numberValue, burstLimit: 100 } });
      }),
    );
    const settings = Object.values(json.resource.aws_api_gateway_method_settings)[0] as {
      settings: Record<string, unknown>;
    };
    expect(settings.settings).toMatchObject({ throttling_rate_limit: '${var.rate}', throttling_burst_limit: 100 });
  });
});

describe('RegionalWebAcl rules', () => {
  const acl: RegionalWebAclProps = {
    name: 'fm-test-api-live',
    perIpLimitPer5Minutes: 15_100,
    perApiKeyLimitPer5Minutes: 6_040,
    inferencePathPatterns: ['/v1/chat/completions/?$'],
    resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a/stages/live',
  };
  const makeAcl = (change: Partial<RegionalWebAclProps>) => () =>
    new RegionalWebAcl(testStack(), 'WebAcl', { ...acl, ...change });

  it.each<[string, Partial<RegionalWebAclProps>, string]>([
    [
      'the name has a space',
      { name: 'fm test' },
      'web acl name must be 1 to 128 letters, digits, hyphens and underscores, but fm test was provided',
    ],
    [
      'the per-ip rate limit is above 2000000000',
      { perIpLimitPer5Minutes: 3_000_000_000 },
      'waf per-ip rate limit must be 10 to 2000000000 requests per 5 minutes, but 3000000000 was provided',
    ],
    [
      'the per-api-key rate limit is below 10',
      { perApiKeyLimitPer5Minutes: 9 },
      'waf per-api-key rate limit must be 10 to 2000000000 requests per 5 minutes, but 9 was provided',
    ],
    [
      'no inference path is given',
      { inferencePathPatterns: [] },
      'inference path patterns must be 1 or more regular expressions of 1 to 512 characters, but 0 pattern(s) of no characters were provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(makeAcl(change)).message).toBe(`RegionalWebAcl at stack/WebAcl: ${message}`);
  });
});
