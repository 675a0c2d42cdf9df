import type { Environment } from '../../schemas/generated/environment';
import { artifactsBucketOf, s3Bucket } from '../../catalog/bootstrap';
import { physicalName } from '../../catalog/names';
import type { CatalogIssue } from '../../catalog/issues';
import type { Rule } from '../../catalog/rules/rule';
import type { EnvironmentPlan } from '../../catalog';
import { imageInRegion } from '../../contracts/dr-deployment';

/*
 * SageMaker models in a second Region (`sagemaker.disasterRecovery` of an environment file): the same
 * model, endpoint configuration and endpoint in one of the environment's failover Regions, with its own
 * execution role, key, log group and alarms there, reading the weights from a replica of the account's
 * artifacts bucket in that Region. SageMaker reads model data only from a bucket in the endpoint's own
 * Region ("The model artifacts must be in an S3 bucket that is in the same region as the model or
 * endpoint you are creating", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html),
 * so the bootstrap stack replicates the artifacts bucket into each DR Region its environments declare
 * (S3 Cross-Region Replication, stacks/bootstrap-stack.ts). The image is the same repository's in the DR
 * Region, for the same reason (contracts/dr-deployment.ts, `imageInRegion`). The router lists the DR
 * endpoint as the model's second target and fails over to it like a Bedrock Region, with a circuit per
 * model and Region. For a registry-driven model, the deployment pipeline moves the DR endpoint to each
 * version the primary serves (workflows/deployment-workflow.ts, its DR phase); Terraform creates it once.
 */

/** A DR endpoint as the plan holds it: everything that differs from the primary endpoint. */
export interface PlannedDisasterRecovery {
  readonly region: string;
  /** Distinct from the primary's, so its execution role (IAM is global) and alarms carry a name of their own. */
  readonly endpointName: string;
  /** The primary's image, from the same repository in the DR Region. */
  readonly image: string;
  /** The weights in the replica bucket of the DR Region. */
  readonly modelDataUrl?: string;
  readonly adapters: readonly { readonly name: string; readonly artifactUrl: string }[];
}

/** The DR endpoint of a primary endpoint: `<primary>-dr`, within SageMaker's 63 characters. */
export function drEndpointName(primaryEndpointName: string): string {
  return physicalName([primaryEndpointName, 'dr'], 63);
}

/** The replica of an artifacts bucket in a Region: `<bucket>-<region>` (bucket names are global), within S3's 63 characters. */
export function replicaBucketName(bucket: string, region: string): string {
  return physicalName([bucket, region], 63);
}

/** The same object in the replica bucket of `region`. */
export function replicaUrl(url: string, region: string): string {
  const bucket = s3Bucket(url);
  return `s3://${replicaBucketName(bucket, region)}${url.slice(`s3://${bucket}`.length)}`;
}

/** The image in the DR Region: the catalog's schema admits only ECR images, so there is always one. */
function drImage(image: string, region: string): string {
  const there = imageInRegion(image, region);
  if (there === undefined)
    throw new Error(`internal error: ${image} passed the catalog's schema but is not an ECR image`);
  return there;
}

/** The DR Region of a model in an environment, if the environment gives it a DR endpoint. */
export function drRegionOf(env: Environment, modelId: string): string | undefined {
  const dr = env.sagemaker?.disasterRecovery;
  return dr !== undefined && dr.models.includes(modelId) ? dr.region : undefined;
}

/** The DR endpoint of a resolved primary endpoint, or nothing (called once the rules found no error). */
export function plannedDisasterRecovery(
  env: Environment,
  modelId: string,
  primary: {
    readonly endpointName: string;
    readonly image: string;
    readonly modelDataUrl?: string;
    readonly adapters: readonly { readonly name: string; readonly artifactUrl: string }[];
  },
): PlannedDisasterRecovery | undefined {
  const region = drRegionOf(env, modelId);
  if (region === undefined) return undefined;
  return {
    region,
    endpointName: drEndpointName(primary.endpointName),
    image: drImage(primary.image, region),
    ...(primary.modelDataUrl !== undefined ? { modelDataUrl: replicaUrl(primary.modelDataUrl, region) } : {}),
    adapters: primary.adapters.map((a) => ({ name: a.name, artifactUrl: replicaUrl(a.artifactUrl, region) })),
  };
}

/** The Regions a plan puts DR endpoints in: where the stack needs a provider alias, and the bootstrap a replica bucket. */
export function drRegionsOf(plan: Pick<EnvironmentPlan, 'models'>): string[] {
  const regions = plan.models.flatMap((m) =>
    m.hosting.type === 'sagemaker' && m.hosting.disasterRecovery !== undefined
      ? [m.hosting.disasterRecovery.region]
      : [],
  );
  return [...new Set(regions)].sort();
}

export const DISASTER_RECOVERY_RULES: readonly Rule[] = [
  {
    id: 'sagemaker-disaster-recovery',
    summary:
      'a DR endpoint is in one of the failover Regions, for a SageMaker model with an endpoint here whose weights are in the account artifacts bucket (which the bootstrap replicates)',
    environment: (ctx, issue) => {
      const dr = ctx.env.sagemaker?.disasterRecovery;
      if (dr === undefined) return [];
      const out: CatalogIssue[] = [];
      const at = ['sagemaker', 'disasterRecovery'];
      const failover = ctx.env.failoverRegions ?? [];
      if (!failover.includes(dr.region)) {
        out.push(
          issue(
            [...at, 'region'],
            `the DR Region ${dr.region} is not one of ${ctx.env.name}'s failover Regions (${failover.join(', ') || 'none'}): the router and the deploy role reach only those`,
            {
              expected: failover.length ? `one of ${failover.join(', ')}` : 'a failover Region',
              fix: `add "${dr.region}" to failoverRegions, or pick one of them`,
            },
          ),
        );
      }
      const bucket = artifactsBucketOf(ctx.env);
      dr.models.forEach((id, i) => {
        const path = [...at, 'models', i];
        const m = ctx.models.get(id)?.model;
        // An unknown id is the unknown-model rule's to report.
        if (!m) return;
        if (m.hosting.type !== 'sagemaker') {
          out.push(
            issue(path, `model "${id}" is hosted on ${m.hosting.type}, not SageMaker: it has no endpoint to copy`, {
              fix: 'remove it (Bedrock models fail over through the failover Regions)',
            }),
          );
          return;
        }
        const mode = ctx.env.sagemaker?.endpoints?.[id]?.mode;
        if (mode === 'none') {
          out.push(
            issue(path, `model "${id}" has no endpoint in ${ctx.env.name} (mode "none"), so it has none to recover`, {
              fix: `remove it, or give sagemaker.endpoints["${id}"] a mode other than "none"`,
            }),
          );
          return;
        }
        const url = ctx.env.bootstrap?.modelArtifacts?.locations?.[id] ?? m.hosting.modelDataUrl;
        if (url === undefined || s3Bucket(url) !== bucket) {
          out.push(
            issue(
              path,
              `the weights of "${id}" are ${url === undefined ? 'not in S3' : `in ${s3Bucket(url)}`}, not in the account's artifacts bucket ${bucket}, the one the bootstrap replicates into ${dr.region}`,
              {
                expected: `bootstrap.modelArtifacts.locations["${id}"] under s3://${bucket}/`,
                fix: `copy the weights to s3://${bucket}/ and set bootstrap.modelArtifacts.locations["${id}"] to that prefix`,
              },
            ),
          );
        }
      });
      return out;
    },
  },
];
