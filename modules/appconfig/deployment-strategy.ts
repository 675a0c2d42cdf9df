/** How a routing-table change rolls out, in the environment file's vocabulary. */
export interface RolloutSettings {
  readonly type: 'all-at-once' | 'linear' | 'canary';
  readonly durationMinutes: number;
  readonly growthFactorPercent: number;
  readonly finalBakeMinutes: number;
}

/** The AppConfig strategy parameters for a rollout: canary is AppConfig's EXPONENTIAL growth. */
export function strategyParameters(r: RolloutSettings) {
  switch (r.type) {
    case 'all-at-once':
      return {
        growthType: 'LINEAR',
        growthFactor: 100,
        deploymentDurationInMinutes: 0,
        finalBakeTimeInMinutes: r.finalBakeMinutes,
      };
    case 'linear':
      return {
        growthType: 'LINEAR',
        growthFactor: r.growthFactorPercent,
        deploymentDurationInMinutes: r.durationMinutes,
        finalBakeTimeInMinutes: r.finalBakeMinutes,
      };
    case 'canary':
      return {
        growthType: 'EXPONENTIAL',
        growthFactor: r.growthFactorPercent,
        deploymentDurationInMinutes: r.durationMinutes,
        finalBakeTimeInMinutes: r.finalBakeMinutes,
      };
  }
}
