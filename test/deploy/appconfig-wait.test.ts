import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { waitForDeployment } from '../../deploy/appconfig-wait';
import { AwsAccountSim, type SimDeployment } from '../../sim/aws-account';
import { planFor } from '../stacks/synth-environment';
import { healthyAccount } from '../support/aws-account';

const ALARM = 'arn:aws:cloudwatch:us-east-1:333333333333:alarm:fm-prod-router-errors';

async function watch(deployments: SimDeployment[], since?: Date) {
  const sim = new AwsAccountSim(healthyAccount(planFor('prod')));
  sim.state.appconfig.applications = [
    { id: 'app1', name: 'fm-prod', environments: [{ id: 'env1', name: 'prod', deployments }] },
  ];
  await sim.listen();
  try {
    const vars = sim.endpointVariables();
    const client = new AppConfigClient({
      region: 'us-east-1',
      endpoint: vars.AWS_ENDPOINT_URL_APPCONFIG,
      credentials: { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY },
    });
    const outcome = await waitForDeployment(client, {
      applicationId: 'app1',
      environmentId: 'env1',
      timeoutMs: 2_000,
      pollMs: 10,
      ...(since ? { since } : {}),
    });
    return { outcome, gets: sim.calls.filter((c) => /\/deployments\/\d+$/.test(c.path)).length };
  } finally {
    await sim.close();
  }
}

describe('waiting for the AppConfig deployment an apply started', () => {
  it('waits through DEPLOYING and BAKING until COMPLETE', async () => {
    const { outcome, gets } = await watch([
      { number: 3, state: 'COMPLETE' },
      { number: 4, state: 'DEPLOYING', progress: ['DEPLOYING', 'BAKING', 'COMPLETE'] },
    ]);
    expect(outcome).toEqual({
      ok: true,
      deploymentNumber: 4,
      state: 'COMPLETE',
      message: 'AppConfig deployment 4 is COMPLETE',
    });
    expect(gets).toBe(3);
  });

  it('fails on ROLLED_BACK, naming the alarm that caused it', async () => {
    const { outcome } = await watch([
      {
        number: 5,
        state: 'DEPLOYING',
        progress: ['ROLLING_BACK', 'ROLLED_BACK'],
        events: [
          { type: 'ROLLBACK_COMPLETED', triggeredBy: 'APPCONFIG', description: 'Rollback completed' },
          {
            type: 'ROLLBACK_STARTED',
            triggeredBy: 'CLOUDWATCH_ALARM',
            description: `Rollback initiated by alarm ${ALARM}`,
          },
        ],
      },
    ]);
    expect(outcome).toEqual({
      ok: false,
      deploymentNumber: 5,
      state: 'ROLLED_BACK',
      alarm: ALARM,
      message: `AppConfig deployment 5 ROLLED_BACK: rolled back by alarm ${ALARM}`,
    });
  });

  it('fails when the deployment does not finish in time', async () => {
    const { outcome } = await watch([{ number: 6, state: 'BAKING' }]);
    expect(outcome).toMatchObject({
      ok: false,
      state: 'BAKING',
      message: 'AppConfig deployment 6 still BAKING after 0 minutes',
    });
  });

  it('passes when the apply started no deployment', async () => {
    const { outcome } = await watch(
      [{ number: 2, state: 'COMPLETE', startedAt: '2026-11-30T10:00:00.000Z' }],
      new Date('2026-12-01T00:00:00.000Z'),
    );
    expect(outcome).toMatchObject({ ok: true, state: 'NONE' });
  });
});
