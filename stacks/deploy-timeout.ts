import type { EnvironmentPlan } from '../catalog';
import { pipelineModels } from '../hosting/sagemaker/pipeline';
import { ENDPOINT_ROLLOUT_DEFAULTS } from '../hosting/sagemaker/rollout';

/** Minutes a deploy job spends before its apply: install, synth, preflight, init, plan, audit. */
const BEFORE_APPLY_MINUTES = 20;
/** An apply with no endpoint update to wait for. */
const PLAIN_APPLY_MINUTES = 10;
/** Polling slack after AppConfig's own duration and bake. */
const APPCONFIG_SLACK_MINUTES = 5;
/**
 * What a DR phase may wait for the version's weights to replicate: S3 Replication Time Control replicates
 * 99.99% of objects within 15 minutes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html);
 * the pipeline itself waits up to 45 (workflows/deployment-workflow.ts, REPLICA_WAIT), and the job fails first.
 */
const REPLICA_WAIT_MINUTES = 15;
/** GitHub-hosted jobs stop at 6 hours (https://docs.github.com/en/actions/reference/limits). */
const GITHUB_JOB_LIMIT_MINUTES = 360;

/**
 * How long one environment's deploy job may run, from its roll-out settings: the apply (or, for a
 * registry-driven model, `npm run promote` after it) waits for every SageMaker blue/green update (its
 * maximum execution time and the old fleet's termination wait: a prod canary can take over an hour),
 * and the job waits for the AppConfig deployment (duration and final bake). Rounded up to 5 minutes, within GitHub's job limit.
 */
export function deployTimeoutMinutes(plan: EnvironmentPlan): number {
  const endpointMinutes = plan.models.flatMap((m) => {
    if (m.hosting.type !== 'sagemaker') return [];
    const r = m.hosting.rollout;
    const seconds =
      (r.maximumExecutionTimeoutSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.maximumExecutionTimeoutSeconds) +
      (r.terminationWaitSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.terminationWaitSeconds);
    const once = Math.ceil(seconds / 60);
    // A registry-driven model's pipeline rolls its DR endpoint out after the primary, once the weights replicated.
    const drPhase =
      m.hosting.modelRegistry !== undefined && m.hosting.disasterRecovery !== undefined
        ? once + REPLICA_WAIT_MINUTES
        : 0;
    return [once + drPhase];
  });
  // A registry-driven model's roll-out runs after the apply, in `npm run promote` (its deployment pipeline):
  // then the job waits for a plain apply and the roll-out, one after the other.
  const promoted = pipelineModels(plan).length > 0;
  const apply = Math.max(PLAIN_APPLY_MINUTES, ...endpointMinutes) + (promoted ? PLAIN_APPLY_MINUTES : 0);
  const d = plan.appConfig.deployment;
  const appConfig = d.durationMinutes + d.finalBakeMinutes + APPCONFIG_SLACK_MINUTES;
  const total = BEFORE_APPLY_MINUTES + apply + appConfig;
  return Math.min(GITHUB_JOB_LIMIT_MINUTES, Math.ceil(total / 5) * 5);
}

/** The deploy role's session: the whole job, within IAM's 1 to 12 hours. */
export function deploySessionSeconds(plan: EnvironmentPlan): number {
  return Math.min(43_200, Math.max(3_600, deployTimeoutMinutes(plan) * 60));
}
