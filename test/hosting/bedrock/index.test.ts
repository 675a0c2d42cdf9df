import { bedrockKind } from '../../../hosting/bedrock';
import { bareReport, hostedModel } from '../../support/kinds';
import { shippedCatalog, shippedEnvironments } from '../../support/project';

const catalog = shippedCatalog();
const envs = shippedEnvironments();
const sonnet = hostedModel(catalog, 'claude-sonnet-4', 'bedrock');
const mistral = hostedModel(catalog, 'mistral-large', 'bedrock');
const SONNET_PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

describe('the bedrock hosting kind', () => {
  it('is served through a profile covering the Region, or on demand in-Region, with the id Converse takes there', () => {
    expect(bedrockKind.servedIn(sonnet.hosting, 'us-east-1')).toEqual({
      served: true,
      converseModelId: SONNET_PROFILE,
    });
    expect(bedrockKind.servedIn(mistral.hosting, 'us-east-1')).toEqual({
      served: true,
      converseModelId: 'mistral.mistral-large-2402-v1:0',
    });
  });

  it('says why a model is not served in a Region, naming the profile geographies that do not match', () => {
    const access = bedrockKind.servedIn(hostedModel(catalog, 'nova-lite', 'bedrock').hosting, 'eu-west-3');
    expect(access).toEqual({
      served: false,
      reason: 'neither on demand nor through an inference profile',
      detail: 'the geography of its profiles (us) does not match the Region',
      regions: ['us-east-1', 'us-east-2', 'us-west-2'],
      catalogFix: 'add the Region to the model if Bedrock now serves it there',
    });
    expect(
      bedrockKind.servedIn({ type: 'bedrock', modelId: 'x.y', regions: ['us-west-2'] }, 'us-east-1'),
    ).not.toHaveProperty('detail');
  });

  it('resolves the invocations of the primary Region, then of each failover Region', () => {
    const hosting = bedrockKind.resolve(sonnet, envs.prod);
    expect(hosting.invocations.map((i) => [i.region, i.invokeId, i.profile?.geography])).toEqual([
      ['us-east-1', SONNET_PROFILE, 'us'],
      ['us-west-2', SONNET_PROFILE, 'us'],
      ['us-east-2', SONNET_PROFILE, 'us'],
    ]);
    expect(bedrockKind.routingTableEntry(hosting, sonnet.id)).toEqual({
      hosting: 'bedrock',
      targets: [
        { region: 'us-east-1', id: SONNET_PROFILE },
        { region: 'us-west-2', id: SONNET_PROFILE },
        { region: 'us-east-2', id: SONNET_PROFILE },
      ],
    });
  });

  it('fails to write a routing-table entry for a model with no invocation (the region rule prevents it)', () => {
    expect(() => bedrockKind.routingTableEntry({ type: 'bedrock', modelId: 'x.y', invocations: [] }, 'x')).toThrow(
      'internal error: model x has no invocation target',
    );
  });

  it('is called by the workflows through InvokeModel in the Region asked, with the ARNs IAM must allow', () => {
    const hosting = bedrockKind.resolve(sonnet, envs.prod);
    expect(bedrockKind.workflowInvocation(hosting, 'us-east-1')).toEqual({
      via: 'invoke-model',
      region: 'us-east-1',
      invokeId: SONNET_PROFILE,
      profileArn: `arn:aws:bedrock:us-east-1:333333333333:inference-profile/${SONNET_PROFILE}`,
      foundationModelArns: ['us-east-1', 'us-east-2', 'us-west-2'].map(
        (r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0`,
      ),
    });
    expect(bedrockKind.workflowInvocation(hosting, 'eu-west-1')).toBeUndefined();
  });

  it('shows the audit where it is called, and has no endpoint and no cost by the hour', () => {
    const hosting = bedrockKind.resolve(sonnet, envs.prod);
    expect(bedrockKind.auditRow(hosting)).toEqual({
      regions: ['us-east-1', 'us-west-2', 'us-east-2'],
      invokeIds: [SONNET_PROFILE],
      inferenceProfile: 'us',
      placements: ['us-east-1', 'us-west-2', 'us-east-2'].map((calledIn) => ({
        calledIn,
        invokeId: SONNET_PROFILE,
        profile: 'us',
        runsIn: ['us-east-1', 'us-east-2', 'us-west-2'],
      })),
    });
    expect(bedrockKind.auditRow(bedrockKind.resolve(mistral, envs.staging)).inferenceProfile).toBeNull();
    expect(bedrockKind.auditRow(bedrockKind.resolve(mistral, envs.staging)).placements[0].runsIn).toEqual([
      envs.staging.region,
    ]);
    expect(bedrockKind.endpointRow(hosting)).toBeUndefined();
    expect(bedrockKind.standingCost(hosting)).toBeUndefined();
  });

  it('fails pricing without both token prices, or with an instance-hour price', () => {
    const priced = {
      ...mistral,
      pricing: { inputPerMillionTokensUsd: 1, instanceHourUsd: 2, source: 'test', asOf: '2026-11-01' },
    };
    expect(bedrockKind.pricingIssues(priced, bareReport).map((i) => [i.pointer, i.message])).toEqual([
      ['/pricing', 'Bedrock model "mistral-large" has no outputPerMillionTokensUsd'],
      ['/pricing/instanceHourUsd', 'Bedrock model "mistral-large" is billed per token, not per instance-hour'],
    ]);
    expect(bedrockKind.pricingIssues(mistral, bareReport)).toEqual([]);
  });

  it('ranks replacements in the first Region the catalog names, and is one instance for selection', () => {
    expect(bedrockKind.homeRegion(sonnet.hosting)).toBe('us-east-1');
    expect(bedrockKind.homeRegion(mistral.hosting)).toBe('us-east-1');
    expect(bedrockKind.homeRegion({ type: 'bedrock', modelId: 'x.y' })).toBeUndefined();
    expect(bedrockKind.catalogInstanceCount(sonnet.hosting)).toBe(1);
    expect(bedrockKind.environmentReferences(envs.prod)).toEqual([]);
    expect(bedrockKind.rolloutIssues(envs.prod, bareReport)).toEqual([]);
  });
});
