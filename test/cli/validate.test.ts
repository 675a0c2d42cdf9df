import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadProject } from '../../catalog';
import { runCli } from '../support/cli';
import { tempProject } from '../support/project';
import type { Environment } from '../../schemas/generated/environment';

describe('npm run validate', () => {
  it('passes the shipped catalog with a one-line summary', () => {
    const r = runCli('validate', []);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const version = loadProject().catalog.version.replace(/\./g, '\\.');
    expect(r.stdout.trim()).toMatch(
      new RegExp(
        `^valid: catalog ${version} \\(11 models, 5 routes\\), environments dev, staging, prod; 0 warnings \\(\\d+ ms\\)$`,
      ),
    );
  });

  it('fails with every error located by file, line, JSON path and fix', () => {
    const { catalogPath, environmentsDir } = tempProject((c, e) => {
      c.routes[0].fallbacks = ['nova-lit', 'nova-micro'];
      e.prod.routes = [...e.prod.routes, { id: 'clasify' }];
    });
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[unknown-model] ${catalogPath}:`);
    expect(r.stderr).toContain(' /routes/0/fallbacks/0\n  unknown model "nova-lit"\n');
    expect(r.stderr).toContain('  fix: did you mean "nova-lite"?');
    expect(r.stderr).toContain('unknown route "clasify"');
    expect(r.stderr).toContain('2 errors, 0 warnings: nothing was changed.');
  });

  it("refuses staging and prod reading one account's artifacts bucket without a grant, and accepts the grant", () => {
    const shared = 's3://fm-platform-model-artifacts-222222222222/llama-3-1-8b-instruct/';
    const useShared = (e: Record<string, Environment>) => {
      for (const env of [e.staging, e.prod])
        env.bootstrap!.modelArtifacts!.locations = { 'llama-3-8b-support-lora': shared };
      // A DR endpoint reads the replica of the account's own bucket only (the sagemaker-disaster-recovery rule).
      delete e.prod.sagemaker!.disasterRecovery;
    };
    const refused = tempProject((_c, e) => useShared(e));
    const r = runCli('validate', ['--catalog', refused.catalogPath, '--environments', refused.environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error\\[model-artifacts\\] ${join(refused.environmentsDir, 'prod.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+ /bootstrap/modelArtifacts/locations/llama-3-8b-support-lora\n` +
          '  SageMaker model "llama-3-8b-support-lora" reads its weights from s3://fm-platform-model-artifacts-222222222222/llama-3-1-8b-instruct/, in "fm-platform-model-artifacts-222222222222" \\(the artifacts bucket of account 222222222222 \\(staging\\)\\): prod \\(account 333333333333\\) neither owns it nor is granted it',
        'm',
      ),
    );
    expect(r.stderr).toContain('add "prod" to bootstrap.modelArtifacts.grantRead of staging');
    expect(r.stderr).toContain('1 error, 0 warnings: nothing was changed.');
    const granted = tempProject((_c, e) => {
      useShared(e);
      e.staging.bootstrap!.modelArtifacts!.grantRead = ['prod'];
    });
    const ok = runCli('validate', ['--catalog', granted.catalogPath, '--environments', granted.environmentsDir]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    // With --env the grant in staging's file still counts.
    const alone = runCli('validate', [
      '--catalog',
      granted.catalogPath,
      '--environments',
      granted.environmentsDir,
      '--env',
      'prod',
    ]);
    expect(alone.stderr).toBe('');
    expect(alone.status).toBe(0);
  });

  it('prints machine-readable records with --json', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => (c.routes[2].target = 'claude-3-haik'));
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir, '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as {
      valid: boolean;
      errors: number;
      issues: { rule: string; pointer: string; line: number; fix: string }[];
    };
    expect(report).toMatchObject({ valid: false, errors: 1 });
    expect(report.issues[0]).toMatchObject({
      rule: 'unknown-model',
      pointer: '/routes/2/target',
      fix: 'did you mean "claude-3-haiku"?',
    });
    expect(report.issues[0].line).toBeGreaterThan(1);
  });

  it('fails cleanly, without a stack trace, for a file that is not JSON', () => {
    const { catalogPath, environmentsDir } = tempProject();
    writeFileSync(catalogPath, '{ "version": "1", models: [] }');
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `error[json-syntax] ${catalogPath}:1:19 (document)\n  not valid JSON: an unexpected character (keys and strings need double quotes`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with a located error, never a stack trace, for a catalog nested 10,000 levels deep', () => {
    const { catalogPath, environmentsDir } = tempProject();
    const text = readFileSync(catalogPath, 'utf8').replace(
      '"models":',
      `"deep": ${'['.repeat(10_000)}${']'.repeat(10_000)}, "models":`,
    );
    writeFileSync(catalogPath, text);
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the document nests deeper than 64 levels of arrays and objects');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints at most 50 issues of tens of thousands, counting the rest, without a stack trace', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      for (let i = 0; i < 21_000; i++) c.routes.push({ id: 'BAD' } as unknown as (typeof c.routes)[number]);
    });
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.match(/^error\[/gm)).toHaveLength(50);
    expect(r.stderr).toMatch(/\nand \d+ more \(npm run validate -- --json lists every one\)\n/);
  });

  it('passes the shipped catalog saved with a byte-order mark', () => {
    const { catalogPath, environmentsDir } = tempProject();
    writeFileSync(catalogPath, `\uFEFF${readFileSync(catalogPath, 'utf8')}`);
    const r = runCli('validate', ['--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails with the usage for an unknown option', () => {
    const r = runCli('validate', ['--catalogue', 'x.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--catalogue'");
    expect(r.stderr).toContain('usage: npm run validate');
  });
});

describe('npm run synth', () => {
  it('writes one stack per environment and one bootstrap stack per account', () => {
    const out = join(tempProject().dir, 'cdktf.out');
    const r = runCli('synth', ['--out', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([
      'bootstrap-111111111111',
      'bootstrap-222222222222',
      'bootstrap-333333333333',
      'dev',
      'prod',
      'staging',
    ]);
  });

  it('refuses an invalid catalog before any construct exists and leaves the earlier output untouched', () => {
    const { dir, catalogPath, environmentsDir } = tempProject((c) => (c.routes[1].target = 'claude-sonet-4'));
    const out = join(dir, 'cdktf.out');
    const earlier = join(out, 'stacks', 'dev', 'cdk.tf.json');
    mkdirSync(dirname(earlier), { recursive: true });
    writeFileSync(earlier, '{"earlier": true}');

    const r = runCli('synth', ['--out', out, '--catalog', catalogPath, '--environments', environmentsDir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown model "claude-sonet-4"');
    expect(r.stderr).toContain(
      'synth refused: the catalog or an environment is invalid (see above); nothing was written.',
    );
    expect(readFileSync(earlier, 'utf8')).toBe('{"earlier": true}');
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', 'environments', 'model-catalog.json']);
    expect(existsSync(join(out, 'stacks', 'prod'))).toBe(false);
  });
});
