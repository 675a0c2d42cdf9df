import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSynth } from '../../stacks/compare';
import { tempDir } from '../support/temp-dir';

const stack = (overrides: { roleName?: string; routerHash?: string; order?: 'ab' | 'ba' } = {}) => {
  const router = {
    filename: `assets/Router_Code_1/${overrides.routerHash ?? 'H1'}/router.zip`,
    source_code_hash: overrides.routerHash ?? 'H1',
  };
  const role = { name: overrides.roleName ?? 'fm-dev-router-role', assume_role_policy: '{}' };
  const resource =
    overrides.order === 'ba'
      ? { aws_lambda_function: { Router: router }, aws_iam_role: { Role: role } }
      : { aws_iam_role: { Role: role }, aws_lambda_function: { Router: router } };
  return { terraform: { required_providers: {} }, resource };
};

function tree(stacks: Record<string, object>): string {
  const dir = tempDir('fm-compare-');
  for (const [env, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, 'stacks', env), { recursive: true });
    writeFileSync(join(dir, 'stacks', env, 'cdk.tf.json'), JSON.stringify(json));
  }
  return dir;
}

describe('compareSynth', () => {
  it('finds two trees identical whatever the order of their keys', () => {
    const result = compareSynth(tree({ dev: stack() }), tree({ dev: stack({ order: 'ba' }) }));
    expect(result).toEqual([{ environment: 'dev', status: 'identical', differences: [], routerPackageChanged: false }]);
  });

  it('names the path of every value that differs', () => {
    const [dev] = compareSynth(tree({ dev: stack() }), tree({ dev: stack({ roleName: 'fm-dev-other' }) }));
    expect(dev).toMatchObject({ status: 'different', differences: ['resource.aws_iam_role.Role.name'] });
  });

  it("reports the router package apart unless strict, since moving router source changes the bundle's bytes", () => {
    const before = tree({ dev: stack() });
    const after = tree({ dev: stack({ routerHash: 'H2' }) });
    expect(compareSynth(before, after)).toEqual([
      { environment: 'dev', status: 'identical', differences: [], routerPackageChanged: true },
    ]);
    expect(compareSynth(before, after, { strict: true })[0]).toMatchObject({
      status: 'different',
      differences: [
        'resource.aws_lambda_function.Router.filename',
        'resource.aws_lambda_function.Router.source_code_hash',
      ],
    });
  });

  it('fails an environment the second tree lacks', () => {
    expect(
      compareSynth(tree({ dev: stack(), prod: stack() }), tree({ dev: stack() })).map((r) => [r.environment, r.status]),
    ).toEqual([
      ['dev', 'identical'],
      ['prod', 'missing'],
    ]);
  });
});
