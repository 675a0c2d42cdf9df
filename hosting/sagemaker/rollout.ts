import type { EndpointRollout } from '../../schemas/generated/environment';

/**
 * A blue/green endpoint roll-out's figures when the environment leaves them out: the defaults of
 * modules/sagemaker (which applies them) and of the validator's rule (which judges them), kept once.
 */
export const ENDPOINT_ROLLOUT_DEFAULTS = {
  stepPercent: 10,
  waitIntervalSeconds: 300,
  maximumExecutionTimeoutSeconds: 3600,
  terminationWaitSeconds: 300,
} as const;

/** The traffic-shifting part of a roll-out, as SageMaker's TrafficRoutingConfig takes it. */
type Shape = Pick<EndpointRollout, 'type' | 'stepPercent' | 'waitIntervalSeconds' | 'terminationWaitSeconds'>;

/**
 * Seconds a blue/green roll-out spends waiting, at least: a bake (WaitIntervalInSeconds) after each
 * traffic shift (one for all-at-once, two for canary, one per step for linear: 10% steps are ten
 * bakes), then the old fleet's TerminationWaitInSeconds. MaximumExecutionTimeoutInSeconds must be
 * larger (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html;
 * https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html); the
 * green fleet's provisioning comes on top.
 */
export function blueGreenWaitSeconds(r: Shape): { bakes: number; seconds: number } {
  const step = r.stepPercent ?? ENDPOINT_ROLLOUT_DEFAULTS.stepPercent;
  const bakes = r.type === 'linear' ? Math.ceil(100 / step) : r.type === 'canary' ? 2 : 1;
  const wait = r.waitIntervalSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.waitIntervalSeconds;
  const termination = r.terminationWaitSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.terminationWaitSeconds;
  return { bakes, seconds: bakes * wait + termination };
}

/** The rollout fields ModelEndpoint and the deployment pipeline read (the environment's `sagemaker.rollout`). */
export type RolloutSettings = Shape & Pick<EndpointRollout, 'maximumExecutionTimeoutSeconds'>;

/**
 * UpdateEndpoint's DeploymentConfig for a roll-out, in the API's shape
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeploymentConfig.html): the same
 * figures Terraform gives the endpoint's `deployment_config` (modules/sagemaker/model-endpoint.ts).
 */
export function blueGreenDeploymentConfig(r: RolloutSettings, alarmNames: readonly string[]) {
  const step = { Type: 'CAPACITY_PERCENT', Value: r.stepPercent ?? ENDPOINT_ROLLOUT_DEFAULTS.stepPercent };
  const shape: Record<string, string | { Type: string; Value: number }> =
    r.type === 'canary'
      ? { Type: 'CANARY', CanarySize: step }
      : r.type === 'linear'
        ? { Type: 'LINEAR', LinearStepSize: step }
        : { Type: 'ALL_AT_ONCE' };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        ...shape,
        WaitIntervalInSeconds: r.waitIntervalSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.waitIntervalSeconds,
      },
      MaximumExecutionTimeoutInSeconds:
        r.maximumExecutionTimeoutSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.maximumExecutionTimeoutSeconds,
      TerminationWaitInSeconds: r.terminationWaitSeconds ?? ENDPOINT_ROLLOUT_DEFAULTS.terminationWaitSeconds,
    },
    AutoRollbackConfiguration: { Alarms: alarmNames.map((AlarmName) => ({ AlarmName })) },
  };
}
