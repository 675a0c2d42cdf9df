import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../audit/run';
import { planResourceChanges } from '../../audit/resource-changes';
import { projectRoot } from '../../catalog/paths';
import type { TerraformPlanJson } from '../../audit/stack-json';
import { runCli } from '../support/cli';
import { tempProject } from '../support/project';

const fixture = join(projectRoot, 'test/audit/fixtures/prod-plan.json');

describe('reading a real terraform show -json plan', () => {
  it("takes Terraform's own actions, replace included, and judges each", () => {
    const plan = JSON.parse(readFileSync(fixture, 'utf8')) as TerraformPlanJson;
    const changes = planResourceChanges(plan, { tier: 'production', widenedPermissions: [] });
    expect(changes.map((c) => [c.address, c.action, c.risk])).toEqual([
      ['aws_dynamodb_table.Circuits', 'delete', 'high'],
      ['aws_iam_role_policy.Router_Models', 'update', 'high'],
      ['aws_sagemaker_endpoint_configuration.Support', 'replace', 'medium'],
      ['aws_sagemaker_endpoint.Support', 'update', 'low'],
    ]);
    expect(changes[0].reason).toBe('dynamodb_table destroyed: its data or traffic is lost');
    expect(changes[1].reason).toBe('permission widened: 2 new resources granted');
  });

  it('reports the permissions of the real plan with --plan', () => {
    const report = runAudit({ only: ['prod'], planFile: fixture, today: '2026-11-29' });
    const prod = report.environments[0];
    expect(prod.resources!.map((r) => r.action)).toEqual(['delete', 'update', 'replace', 'update']);
    expect(prod.modelAccess.map((a) => [a.resource, a.onlyViaProfile])).toEqual([
      ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
      ['arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.amazon.nova-pro-v1:0', false],
      ['arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0', false],
    ]);
  });
});

describe('model lifecycle in the audit', () => {
  it('lists models reaching end of life within the window, with replacement and routes', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      c.models.find((m) => m.id === 'mistral-large')!.lifecycle = {
        status: 'deprecated',
        endOfLifeOn: '2027-01-15',
        replacement: 'nova-lite',
      };
    });
    const report = runAudit({ catalogPath, environmentsDir, only: ['staging'], today: '2026-11-29' });
    expect(report.environments[0].lifecycle).toEqual([
      {
        model: 'mistral-large',
        status: 'deprecated',
        endOfLifeOn: '2027-01-15',
        daysLeft: 47,
        replacement: 'nova-lite',
        suggested: null,
        routes: ['chat', 'translate'],
      },
    ]);
    expect(report.validation.find((i) => i.rule === 'lifecycle-use')?.message).toBe(
      'model "mistral-large" (route "chat") is deprecated, end of life 2027-01-15',
    );
  });

  it('suggests a replacement, with the ranking npm run select uses, for a model reaching end of life with none named', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      c.models.find((m) => m.id === 'claude-haiku-4-5')!.lifecycle = { status: 'active', endOfLifeOn: '2027-02-01' };
    });
    const report = runAudit({ catalogPath, environmentsDir, only: ['prod'], today: '2026-11-29' });
    expect(report.environments[0].lifecycle).toEqual([
      expect.objectContaining({
        model: 'claude-haiku-4-5',
        replacement: null,
        suggested: 'claude-sonnet-4',
        daysLeft: 64,
      }),
    ]);
  });
});

describe('npm run audit', () => {
  const run = (args: string[]) => runCli('audit', args);

  it('audits the shipped catalog against HEAD: no changes, gates pass, exit 0', () => {
    const r = run(['--base', 'HEAD', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { passed: boolean; environments: { changes: { risks: unknown[] } }[] };
    expect(report.passed).toBe(true);
    expect(report.environments.map((e) => e.changes.risks)).toEqual([[], [], []]);
    // dev falls back to dearer or slower models on purpose (2), staging and prod's chat to a slower one (1 each).
    expect(r.stderr).toMatch(/^audit: 3 environments, gates pass, 4 gate warnings \(\d+ ms\)\n$/);
  });

  it('fails with exit 2 and a clear message for a ref that does not exist', () => {
    const r = run(['--base', 'no-such-branch']);
    expect(r.status).toBe(2);
    // The ref is named and nothing else is reported: no report, no "everything added".
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^--base no-such-branch: no such commit in .+ \(fetch it first, e\.g\. git fetch origin main\)\n$/,
    );
  });

  it('fails with exit 2 for --plan without exactly one --env', () => {
    const r = run(['--plan', fixture]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--plan reads the plan of one environment: name it with --env');
  });
});
