import { App } from 'cdktf';
import type { EnvironmentPlan } from '../catalog';
import type { ManagedTypes } from '../modules/bootstrap/deploy-permissions';
import { BootstrapStack, bootstrapAccounts } from './bootstrap-stack';
import { managedTypes } from './managed';
import { PlatformStack } from './platform-stack';

/**
 * The cdktf app: one stack per environment, each built from its resolved plan, and one bootstrap
 * stack per account (`bootstrap-<account>`), whose deploy roles are generated from what the
 * environment stacks manage; written into `outdir`.
 */
export function synthesize(plans: readonly EnvironmentPlan[], outdir: string): void {
  const app = new App({ outdir });
  addStacks(app, plans);
  app.synth();
}

/** Adds every stack of the plans to an app: the environments, then the accounts' bootstrap stacks. */
export function addStacks(app: App, plans: readonly EnvironmentPlan[]): void {
  const managed = new Map<string, ManagedTypes>();
  for (const plan of plans) {
    const stack = new PlatformStack(app, plan.name, { plan });
    if (plan.bootstrap) managed.set(plan.name, managedTypes(stack, plan.account));
  }
  for (const account of bootstrapAccounts(plans))
    new BootstrapStack(app, account.stackName, { account, managed, plans });
}
