import {
  BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
  type FoundationModelSummary,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';

/** A foundation model as one Region offers it. */
export interface OfferedModel {
  readonly modelId: string;
  readonly modelName: string;
  readonly providerName: string;
  readonly outputModalities: readonly string[];
  /** Callable on demand in the Region by its model id (ON_DEMAND among its inference types). */
  readonly onDemand: boolean;
  readonly streaming: boolean;
  readonly status: 'ACTIVE' | 'LEGACY';
  /** YYYY-MM-DD, when AWS gives it. */
  readonly legacyOn?: string;
  readonly endOfLifeOn?: string;
  readonly publicExtendedAccessOn?: string;
}

/** A system-defined inference profile callable from the Region, and the Regions it routes to. */
export interface OfferedProfile {
  readonly profileId: string;
  readonly modelId: string;
  readonly status: string;
  readonly destinationRegions: readonly string[];
}

/** What one Region offers, read with the caller's credentials. */
export interface RegionSnapshot {
  readonly region: string;
  readonly models: ReadonlyMap<string, OfferedModel>;
  readonly profiles: ReadonlyMap<string, OfferedProfile>;
}

/** Reading a Region failed (no access, an outage): the sync reports it and writes nothing. */
export class BedrockReadError extends Error {
  override readonly name = 'BedrockReadError';
  constructor(
    readonly region: string,
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`cannot read Bedrock in ${region} (${operation}): ${detail}`);
  }
}

/** Makes the Bedrock control-plane client of a Region (the command uses the caller's credentials; tests a loopback endpoint). */
export type BedrockClientFactory = (region: string) => BedrockClient;

export interface ReadOptions {
  /** Model ids to look up one by one with GetFoundationModel (those the catalog names). */
  readonly modelIds: readonly string[];
  /** Profile ids to look up one by one with GetInferenceProfile (those the catalog names). */
  readonly profileIds: readonly string[];
  readonly client: BedrockClientFactory;
}

const day = (d: Date | undefined): string | undefined => d?.toISOString().slice(0, 10);

/** The Region of a foundation-model ARN: arn:aws:bedrock:<region>::foundation-model/<id>. */
function arnRegion(arn: string | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  return parts.length >= 6 && parts[2] === 'bedrock' && parts[3] !== '' ? parts[3] : undefined;
}

function offeredModel(s: FoundationModelSummary): OfferedModel | undefined {
  if (s.modelId === undefined) return undefined;
  const l = s.modelLifecycle;
  const legacyOn = day(l?.legacyTime);
  const endOfLifeOn = day(l?.endOfLifeTime);
  const publicExtendedAccessOn = day(l?.publicExtendedAccessTime);
  return {
    modelId: s.modelId,
    modelName: s.modelName ?? s.modelId,
    providerName: s.providerName ?? '',
    outputModalities: s.outputModalities ?? [],
    // Models reachable only through a profile list no ON_DEMAND (AWS adds INFERENCE_PROFILE, which
    // the SDK's enum does not name); only the presence of ON_DEMAND is relied on.
    onDemand: (s.inferenceTypesSupported ?? []).includes('ON_DEMAND'),
    streaming: s.responseStreamingSupported ?? false,
    status: l?.status === 'LEGACY' ? 'LEGACY' : 'ACTIVE',
    ...(legacyOn ? { legacyOn } : {}),
    ...(endOfLifeOn ? { endOfLifeOn } : {}),
    ...(publicExtendedAccessOn ? { publicExtendedAccessOn } : {}),
  };
}

function offeredProfile(p: InferenceProfileSummary, modelIdOf: (arn: string) => string | undefined): OfferedProfile {
  const arns = (p.models ?? []).flatMap((m) => (m.modelArn ? [m.modelArn] : []));
  const regions = [...new Set(arns.flatMap((a) => arnRegion(a) ?? []))].sort();
  return {
    profileId: p.inferenceProfileId ?? '',
    modelId: arns.map(modelIdOf).find((id) => id !== undefined) ?? '',
    status: p.status ?? 'ACTIVE',
    destinationRegions: regions,
  };
}

const isNotFound = (err: unknown) => err instanceof Error && err.name === 'ResourceNotFoundException';

/**
 * Reads one Region: ListFoundationModels (every model, its lifecycle and inference types),
 * GetFoundationModel for each catalog model the list leaves out (a model can be served yet not
 * listed, e.g. one only reachable through a profile in some Regions), ListInferenceProfiles
 * (system-defined, every page: profiles the catalog lacks) and GetInferenceProfile for each
 * profile the catalog names (its destinations are what IAM grants, so they come from the Get).
 * A 404 from a Get means "not offered here"; any other error fails the read.
 */
export async function readRegion(region: string, options: ReadOptions): Promise<RegionSnapshot> {
  const client = options.client(region);
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new BedrockReadError(region, operation, err);
    }
  };
  const models = new Map<string, OfferedModel>();
  const listed = await call('ListFoundationModels', () => client.send(new ListFoundationModelsCommand({})));
  for (const s of listed.modelSummaries ?? []) {
    const m = offeredModel(s);
    if (m) models.set(m.modelId, m);
  }
  for (const id of options.modelIds.filter((i) => !models.has(i))) {
    const got = await call(`GetFoundationModel ${id}`, () =>
      client.send(new GetFoundationModelCommand({ modelIdentifier: id })).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }),
    );
    const m = got?.modelDetails && offeredModel(got.modelDetails);
    if (m) models.set(m.modelId, m);
  }

  const modelIdOf = (arn: string): string | undefined => /:foundation-model\/(.+)$/.exec(arn)?.[1];
  const profiles = new Map<string, OfferedProfile>();
  await call('ListInferenceProfiles', async () => {
    for await (const page of paginateListInferenceProfiles({ client }, { typeEquals: 'SYSTEM_DEFINED' }))
      for (const p of page.inferenceProfileSummaries ?? []) {
        const offered = offeredProfile(p, modelIdOf);
        if (offered.profileId) profiles.set(offered.profileId, offered);
      }
  });
  for (const id of options.profileIds) {
    profiles.delete(id);
    const got = await call(`GetInferenceProfile ${id}`, () =>
      client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id })).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }),
    );
    if (got?.inferenceProfileId) profiles.set(got.inferenceProfileId, offeredProfile(got, modelIdOf));
  }
  return { region, models, profiles };
}
