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
