import { runCli } from '../support/cli';

describe('npm run deploy-settings', () => {
  it("prints the environment's account, Region, deploy, sync and evaluation roles and roll-out-sized timeout as GITHUB_OUTPUT lines", () => {
    const r = runCli('deploy-settings', ['--env', 'prod']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'account=333333333333',
        'region=us-east-1',
        'role-arn=arn:aws:iam::333333333333:role/fm-platform-deploy-prod',
        'sync-role-arn=arn:aws:iam::333333333333:role/fm-platform-catalog-sync-prod',
        'evaluation-job-bucket=s3://fm-platform-evaluation-333333333333/prod',
        'evaluation-role-arn=arn:aws:iam::333333333333:role/fm-platform-evaluation-prod',
        'timeout-minutes=220',
        'session-seconds=13200',
        '',
      ].join('\n'),
    );
  });

  it('fails with the usage without --env', () => {
    expect(runCli('deploy-settings', []).status).toBe(2);
  });
});
