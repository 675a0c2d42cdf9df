import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import type { EnvironmentPlan } from '../../catalog';
import { bedrockNeeds, sagemakerInstancesNeeded, type PreflightClients } from '../../preflight/checks';
import type { AccountState, AwsAccountSim } from '../../sim/aws-account';

/** An account where every preflight check of the plan passes: what bootstrap and the quota requests leave. */
export function healthyAccount(plan: EnvironmentPlan): AccountState {
  const bedrock: AccountState['bedrock'] = {};
  const region = (r: string) => (bedrock[r] ??= { models: [], profiles: [] });
  for (const need of bedrockNeeds(plan)) {
    for (const r of need.regions) region(r).models.push({ modelId: need.modelId });
    for (const p of need.profiles) if (!region(p.region).profiles.includes(p.id)) region(p.region).profiles.push(p.id);
  }
  return {
    account: plan.account,
    buckets: { [plan.stateBackend.bucket]: { versioning: 'Enabled', objects: [plan.stateBackend.key] } },
    apiGatewayCloudWatchRoleArn: {
      [plan.region]: `arn:aws:iam::${plan.account}:role/fm-platform-apigateway-cloudwatch`,
    },
    lambda: { concurrentExecutions: 1000, unreservedConcurrentExecutions: 1000, reserved: {} },
    quotas: [...sagemakerInstancesNeeded(plan)].flatMap(([region, types]) =>
      [...types].map(([type, count], i) => ({
        serviceCode: 'sagemaker',
        quotaCode: `L-SIM${i}`,
        quotaName: `${type} for endpoint usage`,
        value: count,
        region,
      })),
    ),
    bedrock,
    appconfig: { applications: [] },
  };
}

/** The real SDK clients, each pointed at the simulated account's server for its service. */
export function simClients(sim: AwsAccountSim, plan: EnvironmentPlan): PreflightClients {
  const vars = sim.endpointVariables();
  const credentials = { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY };
  const config = (variable: string, region = plan.region) => ({
    region,
    endpoint: vars[variable],
    credentials,
    maxAttempts: 1,
  });
  return {
    sts: new STSClient(config('AWS_ENDPOINT_URL_STS')),
    s3: new S3Client({ ...config('AWS_ENDPOINT_URL_S3', plan.stateBackend.region), forcePathStyle: true }),
    apiGateway: new APIGatewayClient(config('AWS_ENDPOINT_URL_API_GATEWAY')),
    lambda: new LambdaClient(config('AWS_ENDPOINT_URL_LAMBDA')),
    serviceQuotas: (region) => new ServiceQuotasClient(config('AWS_ENDPOINT_URL_SERVICE_QUOTAS', region)),
    appConfig: new AppConfigClient(config('AWS_ENDPOINT_URL_APPCONFIG')),
    bedrock: (region) => new BedrockClient(config('AWS_ENDPOINT_URL_BEDROCK', region)),
  };
}
