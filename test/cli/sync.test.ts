import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalogPath, defaultEnvironmentsDir, projectRoot } from '../../catalog/paths';
import { BedrockControlPlaneSim } from '../../sim/bedrock-control-plane';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import type { SyncReport } from '../../sync/run';
import { offerMatching, withModel, withProfile } from '../support/bedrock-offer';
import { cliPath } from '../support/cli';
import { shippedCatalog } from '../support/project';
import { tempDir } from '../support/temp-dir';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const sim = new BedrockControlPlaneSim();
let endpoint: string;

beforeAll(async () => {
  endpoint = await sim.listen();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

/** Runs `npm run sync` as a user would, its Bedrock client pointed at the simulator by the SDK's own variable. */
function runSync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath('sync'), ...args], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL_BEDROCK: endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function projectCopy(): { catalogPath: string; environmentsDir: string } {
  const dir = tempDir('sync-cli-');
  const catalogPath = join(dir, 'model-catalog.json');
  copyFileSync(defaultCatalogPath, catalogPath);
  cpSync(defaultEnvironmentsDir, join(dir, 'environments'), { recursive: true });
  return { catalogPath, environmentsDir: join(dir, 'environments') };
}

describe('npm run sync', () => {
  it('reports drift as Markdown without touching the catalog, then writes it with --write', async () => {
    const catalog = shippedCatalog();
    for (const region of ['us-east-1', 'us-west-2'])
      sim.region(
        region,
        withProfile(
          withModel(offerMatching(catalog, region), HAIKU, (m) => ({ ...m, lifecycle: { status: 'LEGACY' } })),
          `us.${HAIKU}`,
          (p) => ({ ...p, destinationRegions: [...p.destinationRegions, 'us-west-1'] }),
        ),
      );
    const files = projectCopy();
    const before = readFileSync(files.catalogPath, 'utf8');
    const args = ['--env', 'staging', '--catalog', files.catalogPath, '--environments', files.environmentsDir];

    const dry = await runSync(args);
    expect(dry.stderr).toContain('sync staging: 4 drift findings, 0 models the catalog lacks, 2 changes');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('## Bedrock sync: staging (us-east-1, us-west-2)');
    expect(dry.stdout).toContain(
      `| claude-haiku-4-5 | us-east-1 | lifecycle | ${HAIKU} in us-east-1: AWS says LEGACY, the catalog says active |`,
    );
    expect(dry.stdout).toContain('### Catalog changes `--write` would make');
    expect(dry.stdout).toContain(`- us.${HAIKU}: destinations +us-west-1`);
    expect(readFileSync(files.catalogPath, 'utf8')).toBe(before);

    const written = await runSync([...args, '--write', '--json']);
    // The lifecycle move leaves the catalog waiting on a replacement: exit 3, the decision listed.
    expect(written.status).toBe(3);
    expect(written.stderr).toContain('legacy model "claude-haiku-4-5" names no replacement');
    const report = JSON.parse(written.stdout) as SyncReport;
    expect(report.written).toMatchObject({ valid: false });
    const after = JSON.parse(readFileSync(files.catalogPath, 'utf8')) as ModelCatalog;
    expect(after.models.find((m) => m.id === 'claude-haiku-4-5')?.lifecycle.status).toBe('legacy');
    expect(after.version).toBe(report.written?.version);
  });

  it('fails with exit 1 and writes nothing when a Region cannot be read', async () => {
    sim.region('us-east-1', offerMatching(shippedCatalog(), 'us-east-1'));
    sim.fail('us-west-2', 'AccessDeniedException', 403);
    const files = projectCopy();
    const before = readFileSync(files.catalogPath, 'utf8');
    const r = await runSync([
      '--env',
      'staging',
      '--write',
      '--catalog',
      files.catalogPath,
      '--environments',
      files.environmentsDir,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot read Bedrock in us-west-2 (ListFoundationModels): AccessDeniedException');
    expect(r.stderr).toContain('nothing was written.');
    expect(readFileSync(files.catalogPath, 'utf8')).toBe(before);
  });

  it('fails with exit 2 and the usage without --env', async () => {
    const r = await runSync([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('give --env NAME');
    expect(sim.calls).toEqual([]);
  });
});
