import type { JSONPath } from 'jsonc-parser';
import type { CatalogEdit } from '../catalog/edit';
import { GEOGRAPHIES, inferenceProfileId, regionInGeography } from '../catalog/regions';
import type { Environment } from '../schemas/generated/environment';
import type { BedrockHosting, Model, ModelCatalog } from '../schemas/generated/model-catalog';
import type { OfferedModel, RegionSnapshot } from './read-bedrock';

/** Lifecycle drift: AWS's status or dates differ from the catalog's. */
export interface LifecycleDrift {
  readonly kind: 'lifecycle';
  readonly model: string;
  readonly region: string;
  readonly catalog: { readonly status: string; readonly legacyOn?: string; readonly endOfLifeOn?: string };
  readonly aws: { readonly status: string; readonly legacyOn?: string; readonly endOfLifeOn?: string };
  readonly message: string;
}

/** Availability drift: where the catalog says a model is served in a Region and AWS disagrees. */
export interface AvailabilityDrift {
  readonly kind: 'availability';
  readonly model: string;
  readonly region: string;
  /**
   * withdrawn: the catalog calls it on demand here, AWS no longer offers it;
   * profile-only: AWS offers it here only through an inference profile;
   * on-demand: AWS offers it on demand here and the catalog does not list the Region;
   * profile-withdrawn: the catalog calls a profile from here that AWS no longer offers.
   */
  readonly change: 'withdrawn' | 'profile-only' | 'on-demand' | 'profile-withdrawn';
  readonly message: string;
}

/** Profile drift: the destination Regions AWS routes a profile to differ from the catalog's (and IAM's). */
export interface ProfileDrift {
  readonly kind: 'profile';
  readonly model: string;
  readonly region: string;
  readonly profileId: string;
  /** Destinations AWS routes to that the catalog, and so IAM, does not know: requests fail with AccessDenied there. */
  readonly added: readonly string[];
  /** Destinations the catalog grants that AWS no longer routes to. */
  readonly removed: readonly string[];
  /** The catalog has no entry for this profile at all (AWS offers a geography the catalog lacks). */
  readonly unknownProfile: boolean;
  readonly message: string;
}

export type Drift = LifecycleDrift | AvailabilityDrift | ProfileDrift;

/** A model of one of the catalog's families that AWS offers and the catalog lacks. */
export interface NewModel {
  readonly modelId: string;
  readonly modelName: string;
  readonly provider: string;
  readonly family: string;
  /** Regions of the environment where it is offered on demand. */
  readonly onDemandRegions: readonly string[];
  /** Profiles of it callable from the environment's Regions. */
  readonly profiles: readonly string[];
}

/** A factual change for the catalog, and the drift it comes from. */
export interface SyncChange extends CatalogEdit {
  readonly model: string;
  readonly summary: string;
}

export interface SyncResult {
  readonly drift: readonly Drift[];
  readonly newModels: readonly NewModel[];
  readonly changes: readonly SyncChange[];
}

/** Bedrock's provider names (ListFoundationModels `providerName`) for the catalog's providers. */
const PROVIDER_NAMES: Readonly<Record<Model['provider'], string | undefined>> = {
  anthropic: 'Anthropic',
  amazon: 'Amazon',
  meta: 'Meta',
  mistral: 'Mistral AI',
  cohere: 'Cohere',
  team: undefined,
};

const words = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/**
 * Whether an offered model's name belongs to a catalog family: the family id's words appear, in
 * order, among the name's words ("claude-4" in "Claude Sonnet 4.5", "command-r" in "Command R+").
 * A suggestion for a person to read, never an identity: the report lists candidates, nothing is written.
 */
function inFamily(family: string, modelName: string): boolean {
  const name = words(modelName);
  let at = 0;
  for (const w of words(family)) {
    at = name.indexOf(w, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

type BedrockModel = Model & { hosting: BedrockHosting };
const isBedrock = (m: Model): m is BedrockModel => m.hosting.type === 'bedrock';

const LEAVING = new Set(['legacy', 'deprecated', 'retired']);

/** The Regions an environment calls: its primary Region, then its failover Regions. */
export function environmentRegions(env: Environment): string[] {
  return [env.region, ...(env.failoverRegions ?? [])];
}

/**
 * What to look up one by one in a Region: the catalog's Bedrock model ids, and the ids of its
 * profiles whose geography the Region belongs to (a profile is called from its own geography only).
 */
export function catalogLookups(catalog: ModelCatalog, region: string): { modelIds: string[]; profileIds: string[] } {
  const models = catalog.models.filter(isBedrock).filter((m) => m.lifecycle.status !== 'retired');
  return {
    modelIds: models.map((m) => m.hosting.modelId),
    profileIds: models.flatMap((m) =>
      (m.hosting.inferenceProfiles ?? [])
        .filter((p) => regionInGeography(region, p.geography))
        .map((p) => inferenceProfileId(p.geography, m.hosting.modelId)),
    ),
  };
}

/**
 * Compares the catalog with what Bedrock offers in each of an environment's Regions. Pure: the
 * snapshots are read elsewhere. Returns the drift per model and Region, the family models the
 * catalog lacks, and the factual changes that bring the catalog in line (lifecycle status and
 * dates, on-demand Regions, profile destinations); decisions (a replacement, adopting a new
 * profile or model) are reported, never written.
 */
export function compareCatalog(catalog: ModelCatalog, snapshots: readonly RegionSnapshot[]): SyncResult {
  const drift: Drift[] = [];
  const changes: SyncChange[] = [];
  catalog.models.forEach((model, index) => {
    if (!isBedrock(model) || model.lifecycle.status === 'retired') return;
    const found = compareModel(model, snapshots);
    drift.push(...found);
    changes.push(...changesFor(model, index, found, snapshots));
  });
  return { drift, newModels: newModels(catalog, snapshots), changes };
}

function compareModel(model: BedrockModel, snapshots: readonly RegionSnapshot[]): Drift[] {
  const h = model.hosting;
  const out: Drift[] = [];
  const l = model.lifecycle;
  for (const snap of snapshots) {
    const region = snap.region;
    const offered = snap.models.get(h.modelId);
    if (offered) {
      const lifecycle = lifecycleDrift(model, offered, region);
      if (lifecycle) out.push(lifecycle);
    }
    const direct = (h.regions ?? []).includes(region);
    if (direct && offered === undefined)
      out.push({
        kind: 'availability',
        model: model.id,
        region,
        change: 'withdrawn',
        message: `${h.modelId} is no longer offered in ${region}; the catalog lists ${region} as on demand`,
      });
    else if (direct && offered && !offered.onDemand)
      out.push({
        kind: 'availability',
        model: model.id,
        region,
        change: 'profile-only',
        message: `${h.modelId} is offered in ${region} only through an inference profile; the catalog lists ${region} as on demand`,
      });
    else if (!direct && offered?.onDemand && !LEAVING.has(l.status))
      out.push({
        kind: 'availability',
        model: model.id,
        region,
        change: 'on-demand',
        message: `${h.modelId} is offered on demand in ${region}; the catalog does not list ${region}`,
      });

    for (const geography of GEOGRAPHIES) {
      if (!regionInGeography(region, geography)) continue;
      const id = inferenceProfileId(geography, h.modelId);
      const entry = (h.inferenceProfiles ?? []).find((p) => p.geography === geography);
      const aws = snap.profiles.get(id);
      if (entry && !aws) {
        if (entry.regions.includes(region))
          out.push({
            kind: 'availability',
            model: model.id,
            region,
            change: 'profile-withdrawn',
            message: `profile ${id} is not offered from ${region}; the catalog calls it from there`,
          });
        continue;
      }
      if (!aws) continue;
      const known: readonly string[] = entry?.regions ?? [];
      const added = aws.destinationRegions.filter((r) => !known.includes(r));
      const removed = entry ? known.filter((r) => !aws.destinationRegions.includes(r)) : [];
      if (added.length === 0 && removed.length === 0) continue;
      out.push({
        kind: 'profile',
        model: model.id,
        region,
        profileId: id,
        added,
        removed,
        unknownProfile: entry === undefined,
        message:
          entry === undefined
            ? `AWS offers profile ${id} from ${region} (to ${aws.destinationRegions.join(', ')}); the catalog has no ${geography} profile for ${model.id}`
            : [
                added.length > 0
                  ? `routes to ${added.join(', ')}, which the catalog and IAM do not grant (requests routed there fail with AccessDenied)`
                  : '',
                removed.length > 0 ? `no longer routes to ${removed.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; ')
                .replace(/^/, `profile ${id} from ${region} `),
      });
    }
  }
  return out;
}

function lifecycleDrift(model: BedrockModel, offered: OfferedModel, region: string): LifecycleDrift | undefined {
  const l = model.lifecycle;
  const problems: string[] = [];
  if (offered.status === 'LEGACY' && !LEAVING.has(l.status))
    problems.push(`AWS says LEGACY, the catalog says ${l.status}`);
  if (offered.status === 'ACTIVE' && LEAVING.has(l.status))
    problems.push(`AWS says ACTIVE, the catalog says ${l.status} (check the model card; not written)`);
  if (offered.legacyOn !== undefined && offered.legacyOn !== l.legacyOn)
    problems.push(`legacy on ${offered.legacyOn} at AWS, ${l.legacyOn ?? 'no date'} in the catalog`);
  if (offered.endOfLifeOn !== undefined && offered.endOfLifeOn !== l.endOfLifeOn)
    problems.push(`end of life on ${offered.endOfLifeOn} at AWS, ${l.endOfLifeOn ?? 'no date'} in the catalog`);
  if (problems.length === 0) return undefined;
  return {
    kind: 'lifecycle',
    model: model.id,
    region,
    catalog: {
      status: l.status,
      ...(l.legacyOn ? { legacyOn: l.legacyOn } : {}),
      ...(l.endOfLifeOn ? { endOfLifeOn: l.endOfLifeOn } : {}),
    },
    aws: {
      status: offered.status,
      ...(offered.legacyOn ? { legacyOn: offered.legacyOn } : {}),
      ...(offered.endOfLifeOn ? { endOfLifeOn: offered.endOfLifeOn } : {}),
    },
    message: `${model.hosting.modelId} in ${region}: ${problems.join('; ')}`,
  };
}

/** The factual edits one model's drift calls for, one per JSON path. */
function changesFor(
  model: BedrockModel,
  index: number,
  found: readonly Drift[],
  snapshots: readonly RegionSnapshot[],
): SyncChange[] {
  const h = model.hosting;
  const out: SyncChange[] = [];
  const at = (...path: JSONPath): JSONPath => ['models', index, ...path];
  const change = (path: JSONPath, value: unknown, summary: string) =>
    out.push({ path, value, model: model.id, summary });

  // Lifecycle: the latest facts any Region gives (AWS's lifecycle is global; Regions agree).
  const offers = snapshots.flatMap((s) => s.models.get(h.modelId) ?? []);
  const legacyAt = offers.find((o) => o.status === 'LEGACY');
  const l = model.lifecycle;
  if (legacyAt && !LEAVING.has(l.status))
    change(at('lifecycle', 'status'), 'legacy', `${model.id}: lifecycle ${l.status} → legacy`);
  const legacyOn = offers.find((o) => o.legacyOn)?.legacyOn;
  if (legacyOn && legacyOn !== l.legacyOn)
    change(at('lifecycle', 'legacyOn'), legacyOn, `${model.id}: legacy on ${legacyOn}`);
  const endOfLifeOn = offers.find((o) => o.endOfLifeOn)?.endOfLifeOn;
  if (endOfLifeOn && endOfLifeOn !== l.endOfLifeOn)
    change(at('lifecycle', 'endOfLifeOn'), endOfLifeOn, `${model.id}: end of life on ${endOfLifeOn}`);

  // On-demand Regions: drop those AWS withdrew or serves only through a profile, add new ones.
  const availability = found.filter((d): d is AvailabilityDrift => d.kind === 'availability');
  const drop = new Set(
    availability.filter((d) => d.change === 'withdrawn' || d.change === 'profile-only').map((d) => d.region),
  );
  const add = availability.filter((d) => d.change === 'on-demand').map((d) => d.region);
  if (drop.size > 0 || add.length > 0) {
    const regions = [...(h.regions ?? []).filter((r) => !drop.has(r)), ...add];
    const said = [add.length ? `+${add.join(', +')}` : '', drop.size ? `-${[...drop].join(', -')}` : ''].filter(
      Boolean,
    );
    change(at('hosting', 'regions'), regions, `${model.id}: on-demand Regions ${said.join(' ')}`);
  }

  // Profile destinations: as GetInferenceProfile returns them (the union over the Regions asked),
  // keeping the catalog's order and appending new ones, so the diff shows only what changed.
  (h.inferenceProfiles ?? []).forEach((p, j) => {
    const id = inferenceProfileId(p.geography, h.modelId);
    const seen = snapshots.flatMap((s) => s.profiles.get(id) ?? []);
    if (seen.length === 0) return;
    const destinations = new Set(seen.flatMap((s) => s.destinationRegions));
    const kept = p.regions.filter((r) => destinations.has(r));
    const added = [...destinations].filter((r) => !p.regions.includes(r)).sort();
    const removed = p.regions.filter((r) => !destinations.has(r));
    if (added.length === 0 && removed.length === 0) return;
    const said = [added.length ? `+${added.join(', +')}` : '', removed.length ? `-${removed.join(', -')}` : ''].filter(
      Boolean,
    );
    change(
      at('hosting', 'inferenceProfiles', j, 'regions'),
      [...kept, ...added],
      `${id}: destinations ${said.join(' ')}`,
    );
  });
  return out;
}

function newModels(catalog: ModelCatalog, snapshots: readonly RegionSnapshot[]): NewModel[] {
  const known = new Set(catalog.models.filter(isBedrock).map((m) => m.hosting.modelId));
  const families = [
    ...new Map(catalog.models.filter(isBedrock).map((m) => [`${m.provider}/${m.family}`, m] as const)).values(),
  ];
  const out = new Map<string, NewModel>();
  for (const snap of snapshots) {
    for (const offered of snap.models.values()) {
      if (known.has(offered.modelId) || offered.status !== 'ACTIVE' || !offered.outputModalities.includes('TEXT'))
        continue;
      const family = families.find(
        (m) => PROVIDER_NAMES[m.provider] === offered.providerName && inFamily(m.family, offered.modelName),
      );
      if (!family) continue;
      const profiles = GEOGRAPHIES.map((g) => inferenceProfileId(g, offered.modelId)).filter((id) =>
        snap.profiles.has(id),
      );
      const prev = out.get(offered.modelId);
      out.set(offered.modelId, {
        modelId: offered.modelId,
        modelName: offered.modelName,
        provider: family.provider,
        family: family.family,
        onDemandRegions: [...(prev?.onDemandRegions ?? []), ...(offered.onDemand ? [snap.region] : [])],
        profiles: [...new Set([...(prev?.profiles ?? []), ...profiles])],
      });
    }
  }
  return [...out.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
}

/** The next catalog version for a change made today: YYYY.MM.DD-N, N one more than today's last. */
export function nextVersion(current: string, today: string): string {
  const stem = today.replaceAll('-', '.');
  const m = new RegExp(`^${stem.replaceAll('.', '\\.')}-(\\d+)$`).exec(current);
  return `${stem}-${m ? Number(m[1]) + 1 : 1}`;
}
