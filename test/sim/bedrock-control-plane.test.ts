import {
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ResourceNotFoundException,
  type BedrockClient,
} from '@aws-sdk/client-bedrock';
import { BedrockControlPlaneSim } from '../../sim/bedrock-control-plane';
import { bedrockClientFor } from '../support/bedrock-offer';

const sim = new BedrockControlPlaneSim();
let east: BedrockClient;
let west: BedrockClient;

beforeAll(async () => {
  const make = bedrockClientFor(await sim.listen());
  east = make('us-east-1');
  west = make('us-west-2');
});
afterAll(async () => {
  east.destroy();
  west.destroy();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  sim.region('us-east-1', {
    models: [
      {
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        modelName: 'Claude 3 Haiku',
        providerName: 'Anthropic',
        inputModalities: ['TEXT', 'IMAGE'],
        lifecycle: { status: 'LEGACY', legacyTime: '2026-11-15T00:00:00Z', endOfLifeTime: '2027-05-15T00:00:00Z' },
      },
      { modelId: 'amazon.nova-lite-v1:0', modelName: 'Nova Lite', providerName: 'Amazon' },
    ],
    profiles: ['us', 'global'].map((g) => ({
      inferenceProfileId: `${g}.anthropic.claude-3-haiku-20240307-v1:0`,
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      destinationRegions: ['us-east-1', 'us-west-2'],
    })),
  });
});

describe('BedrockControlPlaneSim', () => {
  it('answers ListFoundationModels and GetFoundationModel in the shapes the SDK parses, lifecycle dates as dates', async () => {
    const list = await east.send(new ListFoundationModelsCommand({}));
    expect(list.modelSummaries?.map((m) => m.modelId)).toEqual([
      'anthropic.claude-3-haiku-20240307-v1:0',
      'amazon.nova-lite-v1:0',
    ]);
    const got = await east.send(
      new GetFoundationModelCommand({ modelIdentifier: 'anthropic.claude-3-haiku-20240307-v1:0' }),
    );
    expect(got.modelDetails).toMatchObject({
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      providerName: 'Anthropic',
      inputModalities: ['TEXT', 'IMAGE'],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'LEGACY' },
    });
    expect(got.modelDetails?.modelLifecycle?.endOfLifeTime).toEqual(new Date('2027-05-15T00:00:00Z'));
  });

  it('filters ListFoundationModels by provider, as Bedrock does', async () => {
    const list = await east.send(new ListFoundationModelsCommand({ byProvider: 'amazon' }));
    expect(list.modelSummaries?.map((m) => m.modelId)).toEqual(['amazon.nova-lite-v1:0']);
  });

  it('pages ListInferenceProfiles with nextToken, and answers GetInferenceProfile with one model ARN per destination', async () => {
    const first = await east.send(new ListInferenceProfilesCommand({ maxResults: 1, typeEquals: 'SYSTEM_DEFINED' }));
    expect(first.inferenceProfileSummaries?.map((p) => p.inferenceProfileId)).toEqual([
      'us.anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    const second = await east.send(new ListInferenceProfilesCommand({ maxResults: 1, nextToken: first.nextToken }));
    expect(second.inferenceProfileSummaries?.map((p) => p.inferenceProfileId)).toEqual([
      'global.anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    expect(second.nextToken).toBeUndefined();
    const got = await east.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'us.anthropic.claude-3-haiku-20240307-v1:0' }),
    );
    expect(got.models?.map((m) => m.modelArn)).toEqual([
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    expect(got.createdAt).toBeInstanceOf(Date);
    expect(got).toMatchObject({ status: 'ACTIVE', type: 'SYSTEM_DEFINED' });
  });

  it('answers each Region with its own offer: an unknown id is a ResourceNotFoundException (404)', async () => {
    const err = await west
      .send(new GetFoundationModelCommand({ modelIdentifier: 'anthropic.claude-3-haiku-20240307-v1:0' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect((err as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    expect(sim.calls.map((c) => [c.region, c.path, c.status])).toEqual([
      ['us-west-2', '/foundation-models/anthropic.claude-3-haiku-20240307-v1:0', 404],
    ]);
  });
});
