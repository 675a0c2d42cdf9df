import { copyFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { Testing } from 'cdktf';
import { loadProject } from '../../catalog';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../../catalog/paths';
import { auditFiles } from '../../audit/run';
import { BedrockControlPlaneSim, type SimRegion } from '../../sim/bedrock-control-plane';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import { PlatformStack } from '../../stacks/platform-stack';
import { BedrockReadError } from '../../sync/read-bedrock';
import { syncEnvironment, SyncInputError } from '../../sync/run';
import { replacementSuggester } from '../../selection/rank';
import { bedrockClientFor, offerMatching, withModel, withProfile } from '../support/bedrock-offer';
import { shippedCatalog } from '../support/project';
import { tempDir } from '../support/temp-dir';
import { parseSynth, policyStatements } from '../stacks/synth-environment';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const HAIKU_US = `us.${HAIKU}`;
/** Claude Haiku 4.5's index in the shipped catalog (called through its us profile only). */
const H = 3;
/** Mistral Large, called on demand in us-east-1 and us-west-2. */
const MISTRAL = 'mistral.mistral-large-2402-v1:0';
const M = 9;
const PROD_REGIONS = ['us-east-1', 'us-west-2', 'us-east-2'];

const sim = new BedrockControlPlaneSim();
const clients: BedrockClient[] = [];
let client: (region: string) => BedrockClient;

beforeAll(async () => {
  const make = bedrockClientFor(await sim.listen());
  client = (region) => {
    const c = make(region);
    clients.push(c);
    return c;
  };
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await sim.close();
});
beforeEach(() => sim.reset());

/** A byte-for-byte copy of the shipped catalog and environments in a temporary folder. */
function projectCopy(): { catalogPath: string; environmentsDir: string } {
  const dir = tempDir('sync-');
  const catalogPath = join(dir, 'model-catalog.json');
  const environmentsDir = join(dir, 'environments');
  copyFileSync(defaultCatalogPath, catalogPath);
  cpSync(defaultEnvironmentsDir, environmentsDir, { recursive: true });
  return { catalogPath, environmentsDir };
}

/** Every Region answers as the catalog says, except where `change` alters a Region's offer. */
function offer(change: (region: string, offer: SimRegion) => SimRegion = (_r, o) => o): void {
  const catalog = shippedCatalog();
  for (const region of PROD_REGIONS) sim.region(region, change(region, offerMatching(catalog, region)));
}

const sync = (files: { catalogPath: string; environmentsDir: string }, write = false) =>
  syncEnvironment({ environment: 'prod', ...files, write, client, today: '2026-12-03' });

/** The lines only `before` has and the lines only `after` has, by a longest-common-subsequence line diff. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const b = before.split('\n');
  const a = after.split('\n');
  // common[i][j]: the length of the longest common subsequence of b[i..] and a[j..].
  const common = Array.from({ length: b.length + 1 }, () => new Array<number>(a.length + 1).fill(0));
  for (let i = b.length - 1; i >= 0; i--)
    for (let j = a.length - 1; j >= 0; j--)
      common[i][j] = b[i] === a[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < b.length || j < a.length) {
    if (i < b.length && j < a.length && b[i] === a[j]) {
      i++;
      j++;
    } else if (j < a.length && (i === b.length || common[i][j + 1] >= common[i + 1][j])) added.push(a[j++]);
    else removed.push(b[i++]);
  }
  return { removed, added };
}

describe('syncEnvironment', () => {
  it('finds no drift when Bedrock offers exactly what the catalog says, in every Region the environment calls', async () => {
    offer();
    const report = await sync(projectCopy());
    expect(report.regions).toEqual(PROD_REGIONS);
    expect(report.drift).toEqual([]);
    expect(report.changes).toEqual([]);
    expect(report.newModels).toEqual([]);
    // Each Region was read through every operation, signed for that Region.
    for (const region of PROD_REGIONS)
      expect(new Set(sim.calls.filter((c) => c.region === region).map((c) => c.path.split('/')[1]))).toEqual(
        new Set(['foundation-models', 'inference-profiles']),
      );
    expect(sim.calls.some((c) => c.path === `/inference-profiles/${HAIKU_US}`)).toBe(true);
    // A profile is asked for only in the Regions of its geography: no eu. or apac. profile from the US.
    expect(sim.calls.filter((c) => /^\/inference-profiles\/(eu|apac)\./.test(c.path))).toEqual([]);
  });

  it('finds lifecycle drift: Legacy at AWS while the catalog says active, and the dates the catalog lacks', async () => {
    offer((_r, o) =>
      withModel(o, HAIKU, (m) => ({
        ...m,
        lifecycle: { status: 'LEGACY', legacyTime: '2026-11-15T00:00:00Z', endOfLifeTime: '2027-05-15T00:00:00Z' },
      })),
    );
    const report = await sync(projectCopy());
    const lifecycle = report.drift.filter((d) => d.kind === 'lifecycle');
    expect(lifecycle.map((d) => [d.model, d.region])).toEqual(PROD_REGIONS.map((r) => ['claude-haiku-4-5', r]));
    expect(lifecycle[0]).toMatchObject({
      catalog: { status: 'active' },
      aws: { status: 'LEGACY', legacyOn: '2026-11-15', endOfLifeOn: '2027-05-15' },
    });
    expect(lifecycle[0].message).toBe(
      `${HAIKU} in us-east-1: AWS says LEGACY, the catalog says active; legacy on 2026-11-15 at AWS, no date in the catalog; end of life on 2027-05-15 at AWS, no date in the catalog`,
    );
    expect(report.changes.map((c) => [c.path.join('.'), c.value])).toEqual([
      [`models.${H}.lifecycle.status`, 'legacy'],
      [`models.${H}.lifecycle.legacyOn`, '2026-11-15'],
      [`models.${H}.lifecycle.endOfLifeOn`, '2027-05-15'],
    ]);
  });

  it('finds availability drift: a Region withdrawn, and a Region now served only through a profile', async () => {
    offer((region, o) => {
      if (region === 'us-west-2') return withModel(o, MISTRAL, () => undefined);
      if (region === 'us-east-1')
        return withModel(o, 'amazon.nova-lite-v1:0', (m) => ({ ...m, inferenceTypesSupported: ['INFERENCE_PROFILE'] }));
      return o;
    });
    const report = await sync(projectCopy());
    expect(
      report.drift
        .filter((d) => d.kind === 'availability')
        .map((d) => [d.model, d.region, d.kind === 'availability' && d.change]),
    ).toEqual([
      ['nova-lite', 'us-east-1', 'profile-only'],
      ['mistral-large', 'us-west-2', 'withdrawn'],
    ]);
    const catalog = shippedCatalog();
    const mistral = catalog.models[M].hosting;
    expect(mistral.type === 'bedrock' && mistral.modelId).toBe(MISTRAL);
    expect(mistral.type === 'bedrock' && mistral.regions).toContain('us-west-2');
    expect(report.changes.map((c) => [c.path.join('.'), c.value])).toEqual([
      [`models.${H + 1}.hosting.regions`, []],
      [
        `models.${M}.hosting.regions`,
        (mistral.type === 'bedrock' ? (mistral.regions ?? []) : []).filter((r) => r !== 'us-west-2'),
      ],
    ]);
  });

  it('finds profile drift: a destination Region the catalog (and so IAM) does not know, and a profile the catalog lacks', async () => {
    offer((region, o) => {
      const added = withProfile(o, HAIKU_US, (p) => ({
        ...p,
        destinationRegions: [...p.destinationRegions, 'us-west-1'],
      }));
      return {
        ...added,
        profiles: [
          ...(added.profiles ?? []),
          {
            inferenceProfileId: 'global.anthropic.claude-sonnet-4-20250514-v1:0',
            modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
            destinationRegions: [region, 'eu-west-1', 'ap-northeast-1'],
          },
        ],
      };
    });
    const report = await sync(projectCopy());
    const profile = report.drift.filter((d) => d.kind === 'profile');
    expect(profile.filter((d) => d.model === 'claude-haiku-4-5').map((d) => [d.region, d.added, d.removed])).toEqual(
      PROD_REGIONS.map((r) => [r, ['us-west-1'], []]),
    );
    expect(profile.find((d) => d.model === 'claude-haiku-4-5')?.message).toBe(
      `profile ${HAIKU_US} from us-east-1 routes to us-west-1, which the catalog and IAM do not grant (requests routed there fail with AccessDenied)`,
    );
    expect(profile.filter((d) => d.model === 'claude-sonnet-4').map((d) => [d.region, d.unknownProfile])).toEqual(
      PROD_REGIONS.map((r) => [r, true]),
    );
    // Only the known profile's destinations are a fact to write; adopting the global profile is a decision.
    expect(report.changes.map((c) => [c.path.join('.'), c.value])).toEqual([
      [`models.${H}.hosting.inferenceProfiles.0.regions`, ['us-east-1', 'us-east-2', 'us-west-2', 'us-west-1']],
    ]);
  });

  it('finds a destination AWS no longer routes to, and a profile no longer offered from a Region the catalog calls it from', async () => {
    offer((region, o) => {
      const fewer = withProfile(o, HAIKU_US, (p) => ({
        ...p,
        destinationRegions: p.destinationRegions.filter((r) => r !== 'us-east-2'),
      }));
      return region === 'us-east-2' ? withProfile(fewer, 'us.amazon.nova-micro-v1:0', () => undefined) : fewer;
    });
    const report = await sync(projectCopy());
    expect(
      report.drift
        .filter((d) => d.kind === 'profile' && d.model === 'claude-haiku-4-5')
        .map((d) => d.kind === 'profile' && [d.region, d.added, d.removed]),
    ).toEqual(PROD_REGIONS.map((r) => [r, [], ['us-east-2']]));
    expect(report.drift.filter((d) => d.kind === 'availability').map((d) => [d.model, d.region, d.message])).toEqual([
      [
        'nova-micro',
        'us-east-2',
        'profile us.amazon.nova-micro-v1:0 is not offered from us-east-2; the catalog calls it from there',
      ],
    ]);
    // Least privilege: the destination AWS dropped leaves the catalog, and so IAM; the withdrawn profile is a decision.
    expect(report.changes.map((c) => [c.path.join('.'), c.value])).toEqual([
      [`models.${H}.hosting.inferenceProfiles.0.regions`, ['us-east-1', 'us-west-2']],
    ]);
  });

  it("lists, separately, models of the catalog's families that Bedrock offers and the catalog lacks", async () => {
    const extra = [
      {
        modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
        modelName: 'Claude Sonnet 4.5',
        providerName: 'Anthropic',
        inferenceTypesSupported: ['INFERENCE_PROFILE'],
      },
      { modelId: 'amazon.nova-pro-v1:0', modelName: 'Nova Pro', providerName: 'Amazon' },
      {
        modelId: 'amazon.titan-embed-text-v2:0',
        modelName: 'Titan Text Embeddings V2',
        providerName: 'Amazon',
        outputModalities: ['EMBEDDING'],
      },
      {
        modelId: 'meta.llama4-maverick-17b-instruct-v1:0',
        modelName: 'Llama 4 Maverick 17B Instruct',
        providerName: 'Meta',
      },
      { modelId: 'ai21.jamba-1-5-large-v1:0', modelName: 'Jamba 1.5 Large', providerName: 'AI21 Labs' },
    ];
    offer((region, o) => ({
      models: [...o.models, ...(region === 'us-east-1' ? extra : extra.slice(0, 1))],
      profiles: [
        ...(o.profiles ?? []),
        {
          inferenceProfileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
          modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
          destinationRegions: PROD_REGIONS,
        },
      ],
    }));
    const report = await sync(projectCopy());
    expect(report.drift).toEqual([]);
    expect(report.newModels).toEqual([
      {
        modelId: 'amazon.nova-pro-v1:0',
        modelName: 'Nova Pro',
        provider: 'amazon',
        family: 'nova',
        onDemandRegions: ['us-east-1'],
        profiles: [],
      },
      {
        modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
        modelName: 'Claude Sonnet 4.5',
        provider: 'anthropic',
        family: 'claude-4',
        onDemandRegions: [],
        profiles: ['us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
      },
    ]);
    expect(report.changes).toEqual([]);
  });

  it('with write, changes only the lines of the facts and the version: every other byte is as it was', async () => {
    offer((_r, o) =>
      withProfile(
        withModel(o, HAIKU, (m) => ({ ...m, lifecycle: { status: 'LEGACY', legacyTime: '2026-11-15T00:00:00Z' } })),
        HAIKU_US,
        (p) => ({ ...p, destinationRegions: [...p.destinationRegions, 'us-west-1'] }),
      ),
    );
    const files = projectCopy();
    const before = readFileSync(files.catalogPath, 'utf8');
    const report = await sync(files, true);
    const after = readFileSync(files.catalogPath, 'utf8');
    const note = before.split('\n').find((l) => l.startsWith('        "note": "Replaces Claude 3 Haiku.'))!;
    expect(note).toBeDefined();
    // The status is replaced where it stands, the date added as a line after the last property.
    expect(lineDiff(before, after)).toEqual({
      removed: [
        '  "version": "2026.12.03-1",',
        '        "inferenceProfiles": [{ "geography": "us", "regions": ["us-east-1", "us-east-2", "us-west-2"] }]',
        '        "status": "active",',
        note,
      ],
      added: [
        '  "version": "2026.12.03-2",',
        '        "inferenceProfiles": [{ "geography": "us", "regions": ["us-east-1", "us-east-2", "us-west-2", "us-west-1"] }]',
        '        "status": "legacy",',
        `${note},`,
        '        "legacyOn": "2026-11-15"',
      ],
    });
    // Every byte elsewhere is as it was: the lines outside Claude Haiku 4.5's entry, and the version, are identical.
    const outside = (text: string) => {
      const start = text.indexOf('"id": "claude-haiku-4-5"');
      const end = text.indexOf('"id": "nova-lite"');
      return text.slice(text.indexOf('"models"'), start) + text.slice(end);
    };
    expect(outside(after)).toBe(outside(before));
    expect(report.written?.version).toBe('2026.12.03-2');
    // A second sync against the same AWS finds nothing left to write.
    const again = await sync(files, true);
    expect(again.changes).toEqual([]);
    expect(again.written).toBeUndefined();
    expect(readFileSync(files.catalogPath, 'utf8')).toBe(after);
  });

  it('with write, a lifecycle move runs the validator, which demands a replacement that select suggests', async () => {
    offer((_r, o) => withModel(o, HAIKU, (m) => ({ ...m, lifecycle: { status: 'LEGACY' } })));
    const files = projectCopy();
    const report = await sync(files, true);
    expect(report.written?.valid).toBe(false);
    const errors = report.written!.issues.filter((i) => i.severity === 'error');
    const suggested = replacementSuggester(
      JSON.parse(readFileSync(files.catalogPath, 'utf8')) as ModelCatalog,
      'claude-haiku-4-5',
      'us-east-1',
    );
    expect(suggested).toBeDefined();
    expect(errors.map((i) => [i.pointer, i.message, i.fix])).toEqual([
      [
        `/models/${H}/lifecycle`,
        'legacy model "claude-haiku-4-5" names no replacement',
        `add "replacement": "${suggested!.id}" (${suggested!.basis}), or another model that takes over its routes`,
      ],
    ]);
    // The facts stay written: the pull request decides the replacement.
    const written = JSON.parse(readFileSync(files.catalogPath, 'utf8')) as ModelCatalog;
    expect(written.models[H].lifecycle.status).toBe('legacy');
  });

  it('with write, a destination added at AWS appears in the synthesized IAM and in the audit as a permission change', async () => {
    const grant = `arn:aws:bedrock:us-west-1::foundation-model/${HAIKU}`;
    offer((_r, o) =>
      withProfile(o, HAIKU_US, (p) => ({ ...p, destinationRegions: [...p.destinationRegions, 'us-west-1'] })),
    );
    const files = projectCopy();
    const baseDir = tempDir('sync-base-');
    const base = { catalogPath: join(baseDir, 'model-catalog.json'), environmentsDir: files.environmentsDir };
    copyFileSync(files.catalogPath, base.catalogPath);
    const resources = () => {
      const plan = loadProject({ ...files, only: ['prod'] }).plans[0];
      const stack = parseSynth(Testing.synth(new PlatformStack(Testing.app(), 'prod', { plan })));
      return policyStatements(stack).flatMap((s) => s.resources);
    };
    expect(resources()).not.toContain(grant);
    const report = await sync(files, true);
    expect(report.written?.valid).toBe(true);
    expect(resources()).toContain(grant);
    const audit = auditFiles(files, { ref: 'before-sync', files: base }, { only: ['prod'] });
    const prod = audit.environments.find((e) => e.name === 'prod')!;
    expect(prod.changes?.permissionsAdded.some((p) => p.includes(grant))).toBe(true);
  });

  it('fails with the Region and the service error when a Region cannot be read, and writes nothing', async () => {
    offer();
    sim.fail('us-west-2', 'AccessDeniedException', 403);
    const files = projectCopy();
    const before = readFileSync(files.catalogPath, 'utf8');
    const err = await sync(files, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BedrockReadError);
    expect((err as Error).message).toBe(
      'cannot read Bedrock in us-west-2 (ListFoundationModels): AccessDeniedException: AccessDeniedException (simulated) in us-west-2',
    );
    expect(readFileSync(files.catalogPath, 'utf8')).toBe(before);
  });

  it('fails on an unknown environment before reading anything', async () => {
    const err = await syncEnvironment({ environment: 'qa', ...projectCopy(), client }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncInputError);
    expect((err as Error).message).toMatch(/^no environment "qa": .*environments\/qa\.json does not exist$/);
    expect(sim.calls).toEqual([]);
  });
});
