import { App } from 'cdktf';
import type { EnvironmentPlan } from '../catalog';
import { PlatformStack } from './platform-stack';

/** The cdktf app: one stack per environment, each built from its resolved plan, written into `outdir`. */
export function synthesize(plans: readonly EnvironmentPlan[], outdir: string): void {
  const app = new App({ outdir });
  for (const plan of plans) new PlatformStack(app, plan.name, { plan });
  app.synth();
}
