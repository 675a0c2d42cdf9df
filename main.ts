import { App } from 'cdktf';
import { loadProject, type EnvironmentPlan } from './catalog';
import { PlatformStack } from './stacks/platform-stack';

/** The cdktf app: one stack per environment, each built from its resolved plan. */
export function synthesize(plans: readonly EnvironmentPlan[], outdir: string): void {
  const app = new App({ outdir });
  for (const plan of plans) new PlatformStack(app, plan.name, { plan });
  app.synth();
}

// `cdktf synth|diff|deploy <env>` run this file (cdktf.json); `npm run synth` goes through cli/synth.ts.
if (require.main === module) {
  synthesize(loadProject().plans, process.env.CDKTF_OUTDIR ?? 'cdktf.out');
}
