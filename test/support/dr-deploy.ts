import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { DrDeployConfig, DrDeployRequest } from '../../contracts/dr-deployment';
import { createHandler, type RegionClients } from '../../functions/dr-deploy/handler';
import { S3Sim } from '../../sim/s3';
import { SageMakerControlPlaneSim } from '../../sim/sagemaker-control-plane';

/**
 * Two Regions on loopback for the DR deployment function: a SageMaker (and CloudWatch) control plane
 * per Region, one S3 (bucket names are global), and the function's handler built on real SDK clients
 * pointed at them, as index.ts builds it on the SDK's defaults.
 */
export class TwoRegions {
  readonly sagemaker: Record<string, SageMakerControlPlaneSim>;
  readonly s3 = new S3Sim();
  private readonly urls: Record<string, string> = {};
  private s3Url = '';
  private readonly clients: { destroy(): void }[] = [];

  constructor(
    readonly account: string,
    readonly primary: string,
    readonly dr: string,
  ) {
    this.sagemaker = {
      [primary]: new SageMakerControlPlaneSim(account, primary),
      [dr]: new SageMakerControlPlaneSim(account, dr),
    };
  }

  async listen(): Promise<void> {
    for (const [region, sim] of Object.entries(this.sagemaker)) this.urls[region] = await sim.listen();
    this.s3Url = await this.s3.listen();
  }

  /** Real clients of a Region, on its simulator. */
  client<T extends { destroy(): void }>(
    Client: new (c: Record<string, unknown>) => T,
    region: string,
    endpoint = this.urls[region],
  ): T {
    if (endpoint === undefined) throw new Error(`no simulated Region ${region}`);
    const c = new Client({
      region,
      endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      forcePathStyle: true,
    });
    this.clients.push(c);
    return c;
  }

  regionClients(): RegionClients {
    return {
      sagemaker: (region) => this.client(SageMakerClient, region),
      cloudwatch: (region) => this.client(CloudWatchClient, region),
      s3: (region) => this.client(S3Client, region, this.s3Url),
    };
  }

  /** The DR function's handler with a configuration, on these Regions. */
  handler(config: DrDeployConfig): (request: DrDeployRequest) => Promise<unknown> {
    return createHandler(config, this.regionClients());
  }

  /** Writes a version's weights in the primary bucket and, as replication would, in the replica, with S3's status on the source. */
  putWeights(
    source: string,
    replica: string,
    files: Readonly<Record<string, string>>,
    /** `none`: an object S3 reports no status for (written before the replication rule). */
    status: 'PENDING' | 'COMPLETED' | 'FAILED' | 'none' = 'COMPLETED',
    copied = status === 'COMPLETED',
  ): void {
    const parts = (url: string) => {
      const rest = url.slice('s3://'.length);
      const slash = rest.indexOf('/');
      return { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
    };
    const s = parts(source);
    const r = parts(replica);
    for (const [name, body] of Object.entries(files)) {
      this.s3.put(s.bucket, `${s.prefix}${name}`, body);
      if (status !== 'none') this.s3.replicationStatus.set(`${s.bucket}/${s.prefix}${name}`, status);
      if (copied) this.s3.put(r.bucket, `${r.prefix}${name}`, body);
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    for (const sim of Object.values(this.sagemaker)) await sim.close();
    await this.s3.close();
  }
}
