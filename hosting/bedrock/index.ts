import type { HostingKind, RouterBackend } from '../kind';
import { bedrockInvocations, bedrockServedIn } from './access';
import { BEDROCK_RULES, bedrockPricingIssues } from './rules';

const BACKEND: RouterBackend = 'bedrock';

/** Amazon Bedrock foundation models, on demand in-Region or through cross-Region inference profiles. */
export const bedrockKind: HostingKind<'bedrock'> = {
  type: 'bedrock',
  label: 'Bedrock',
  routerBackend: BACKEND,

  rules: BEDROCK_RULES,
  environmentReferences: () => [],
  pricingIssues: bedrockPricingIssues,
  rolloutIssues: () => [],
  homeRegion: (h) => h.regions?.[0] ?? h.inferenceProfiles?.[0]?.regions[0],
  servedIn: bedrockServedIn,
  catalogInstanceCount: () => 1,

  resolve: (m, env) => ({
    type: 'bedrock',
    modelId: m.hosting.modelId,
    invocations: bedrockInvocations(m.hosting, env),
  }),
  routingTableEntry: (h, modelId) => {
    const [first, ...rest] = h.invocations.map((i) => ({ region: i.region, id: i.invokeId }));
    // The region rule guarantees a model used here is served in the primary Region.
    if (first === undefined) throw new Error(`internal error: model ${modelId} has no invocation target`);
    return { hosting: BACKEND, targets: [first, ...rest] };
  },
  // A direct call has exactly the Region's foundation model (access.ts); a profile call copies the system profile.
  applicationProfileSource: (h, region) => {
    const i = h.invocations.find((x) => x.region === region);
    return i && (i.profile?.arn ?? i.foundationModelArns[0]);
  },
  workflowInvocation: (h, region) => {
    const i = h.invocations.find((x) => x.region === region);
    return (
      i && {
        region: i.region,
        via: 'invoke-model',
        invokeId: i.invokeId,
        profileArn: i.profile?.arn,
        foundationModelArns: i.foundationModelArns,
      }
    );
  },
  auditRow: (h) => ({
    regions: h.invocations.map((i) => i.region),
    invokeIds: [...new Set(h.invocations.map((i) => i.invokeId))],
    inferenceProfile:
      [...new Set(h.invocations.flatMap((i) => (i.profile ? [i.profile.geography] : [])))].join(', ') || null,
    placements: h.invocations.map((i) => ({
      calledIn: i.region,
      invokeId: i.invokeId,
      profile: i.profile?.geography ?? null,
      runsIn: i.profile
        ? i.profile.geography === 'global'
          ? 'any-commercial-region'
          : i.profile.destinationRegions
        : [i.region],
    })),
  }),
  endpointRow: () => undefined,
  standingCost: () => undefined,
};
