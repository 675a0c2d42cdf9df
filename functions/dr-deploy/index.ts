import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DR_DEPLOY_CONFIG_ENV, type DrDeployConfig, type DrDeployRequest } from '../../contracts/dr-deployment';
import { createHandler, type RegionClients } from './handler';

/*
 * The DR function's entry point (Node.js 22 on Lambda): its configuration from FM_DR_DEPLOY, one client
 * per service and Region, kept across invocations. The SDK retries throttling itself (3 attempts);
 * what still fails reaches the workflow, whose Retry and Catch decide.
 */
function cached<T>(make: (region: string) => T): (region: string) => T {
  const made = new Map<string, T>();
  return (region) => {
    let client = made.get(region);
    if (client === undefined) made.set(region, (client = make(region)));
    return client;
  };
}

const clients: RegionClients = {
  sagemaker: cached((region) => new SageMakerClient({ region })),
  cloudwatch: cached((region) => new CloudWatchClient({ region })),
  s3: cached((region) => new S3Client({ region })),
};

let run: ((request: DrDeployRequest) => Promise<unknown>) | undefined;

export function handler(request: DrDeployRequest): Promise<unknown> {
  if (run === undefined) {
    const raw = process.env[DR_DEPLOY_CONFIG_ENV];
    if (raw === undefined)
      throw new Error(`${DR_DEPLOY_CONFIG_ENV} is not set: the function was deployed without its configuration`);
    run = createHandler(JSON.parse(raw) as DrDeployConfig, clients);
  }
  return run(request);
}
