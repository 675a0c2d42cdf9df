import { AppConfigClient, GetDeploymentCommand, ListDeploymentsCommand } from '@aws-sdk/client-appconfig';

/** How a watched AppConfig deployment ended. */
export interface DeploymentOutcome {
  readonly ok: boolean;
  readonly deploymentNumber?: number;
  readonly state: string;
  /** The CloudWatch alarm that rolled it back, when one did. */
  readonly alarm?: string;
  readonly message: string;
}

export interface WaitOptions {
  readonly applicationId: string;
  readonly environmentId: string;
  /** Only a deployment started at or after this time is the apply's. @default - the newest deployment */
  readonly since?: Date;
  readonly timeoutMs: number;
  /** @default 15000 */
  readonly pollMs?: number;
}

const FAILED = new Set(['ROLLED_BACK', 'REVERTED']);

/**
 * Waits for the newest AppConfig deployment of an environment (the one the apply started:
 * `aws_appconfig_deployment` returns when a deployment starts and never sees its rollback,
 * https://github.com/hashicorp/terraform-provider-aws/issues/35516) until it is COMPLETE, or fails
 * with the alarm that rolled it back, read from its event log (AppConfig writes the alarm's ARN in
 * the ROLLBACK_STARTED event triggered by CLOUDWATCH_ALARM).
 */
export async function waitForDeployment(client: AppConfigClient, o: WaitOptions): Promise<DeploymentOutcome> {
  const list = await client.send(
    new ListDeploymentsCommand({ ApplicationId: o.applicationId, EnvironmentId: o.environmentId }),
  );
  const newest = [...(list.Items ?? [])].sort((a, b) => (b.DeploymentNumber ?? 0) - (a.DeploymentNumber ?? 0))[0];
  if (!newest?.DeploymentNumber || (o.since && newest.StartedAt && newest.StartedAt < o.since))
    return {
      ok: true,
      state: 'NONE',
      message: 'the apply started no AppConfig deployment (the routing table did not change)',
    };
  const number = newest.DeploymentNumber;
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const d = await client.send(
      new GetDeploymentCommand({
        ApplicationId: o.applicationId,
        EnvironmentId: o.environmentId,
        DeploymentNumber: number,
      }),
    );
    const state = d.State ?? 'UNKNOWN';
    if (state === 'COMPLETE')
      return { ok: true, deploymentNumber: number, state, message: `AppConfig deployment ${number} is COMPLETE` };
    if (FAILED.has(state)) {
      const byAlarm = (d.EventLog ?? []).find((e) => e.TriggeredBy === 'CLOUDWATCH_ALARM');
      const alarm = byAlarm?.Description?.match(/arn:aws[\w-]*:cloudwatch:[^\s,;]+/)?.[0] ?? byAlarm?.Description;
      return {
        ok: false,
        deploymentNumber: number,
        state,
        ...(alarm ? { alarm } : {}),
        message: alarm
          ? `AppConfig deployment ${number} ${state}: rolled back by alarm ${alarm}`
          : `AppConfig deployment ${number} ${state}: ${
              (d.EventLog ?? [])
                .map((e) => e.Description)
                .filter(Boolean)
                .join('; ') || 'no event names a cause'
            }`,
      };
    }
    if (Date.now() >= deadline)
      return {
        ok: false,
        deploymentNumber: number,
        state,
        message: `AppConfig deployment ${number} still ${state} after ${Math.round(o.timeoutMs / 60000)} minutes`,
      };
    await new Promise((r) => setTimeout(r, o.pollMs ?? 15_000));
  }
}
