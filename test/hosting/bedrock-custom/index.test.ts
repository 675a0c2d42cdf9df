import { estimateCost } from '../../../audit/cost';
import { bedrockCustomKind } from '../../../hosting/bedrock-custom';
import type { PlannedBedrockCustomHosting } from '../../../hosting/bedrock-custom/plan';
import { costPer1kRequests } from '../../../selection/figures';
import { workflowCandidate } from '../../../workflows/candidates';
import type { EnvironmentPlan } from '../../../catalog';
import { CUSTOM_MODEL_ID, customModel, customModelIn, customModelPlan } from '../../support/bedrock-custom';

const hostingOf = (plan: EnvironmentPlan): PlannedBedrockCustomHosting => {
  const h = plan.models.find((m) => m.id === CUSTOM_MODEL_ID)?.hosting;
  if (h?.type !== 'bedrock-custom') throw new Error('fixture: no custom model in the plan');
  return h;
};

describe('the Bedrock custom model kind', () => {
  it('resolves a customization job named by a hash of its training, run as its own role, on the base model ARN', () => {
    const h = hostingOf(customModelPlan());
    expect(h).toMatchObject({
      type: 'bedrock-custom',
      region: 'us-east-1',
      baseModel: { id: 'nova-lite', modelId: 'amazon.nova-lite-v1:0' },
      provisionedModelName: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
      modelUnits: 1,
      modelUnitHourUsd: 20,
      customModel: {
        source: 'job',
        jobName: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
        roleName: 'fm-dev-nova-lite-support-ft-customization',
        customizationType: 'FINE_TUNING',
        baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k',
        outputS3Uri: 's3://fm-platform-training-111111111111/support/output/',
      },
    });
    expect(h).not.toHaveProperty('commitmentDuration');
  });

  it('names a new job and model when the training changes, and keeps the name when it does not', () => {
    const name = (p: EnvironmentPlan) => {
      const c = hostingOf(p).customModel;
      return c.source === 'job' ? c.jobName : c.customModelArn;
    };
    const before = name(customModelPlan());
    expect(name(customModelPlan())).toBe(before);
    const after = name(
      customModelPlan('dev', (c) => {
        const h = customModelIn(c).hosting;
        if (h.type === 'bedrock-custom' && h.customization) h.customization.hyperparameters.epochCount = '3';
      }),
    );
    expect(after).not.toBe(before);
  });

  it('names a new throughput when what it serves or how changes, so the new one can exist before the old one goes', () => {
    const name = (p: EnvironmentPlan) => hostingOf(p).provisionedModelName;
    const before = name(customModelPlan());
    const more = name(
      customModelPlan('dev', (_c, e) => (e.dev.bedrockCustom = { models: { [CUSTOM_MODEL_ID]: { modelUnits: 2 } } })),
    );
    expect(more).not.toBe(before);
    expect(name(customModelPlan())).toBe(before);
  });

  it("takes an environment's own throughput, commitment, price and outside model", () => {
    const arn = 'arn:aws:bedrock:us-east-1:111111111111:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl';
    const h = hostingOf(
      customModelPlan('dev', (_c, e) => {
        e.dev.bedrockCustom = {
          models: {
            [CUSTOM_MODEL_ID]: {
              modelUnits: 2,
              commitmentDuration: 'OneMonth',
              modelUnitHourUsd: 15,
              customModelArn: arn,
            },
          },
        };
      }),
    );
    expect(h).toMatchObject({
      modelUnits: 2,
      commitmentDuration: 'OneMonth',
      modelUnitHourUsd: 15,
      customModel: { source: 'external', customModelArn: arn },
    });
  });

  it('routes to the provisioned model by name in the plan: the stack puts its ARN there', () => {
    const plan = customModelPlan();
    expect(plan.routingTable.models[CUSTOM_MODEL_ID]).toMatchObject({
      hosting: 'bedrock',
      targets: [{ region: 'us-east-1', id: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/) }],
    });
    expect(plan.routingTable.routes.support.target).toBe(CUSTOM_MODEL_ID);
    // The workflows reach it through the router, which has the ARN.
    expect(workflowCandidate(plan, CUSTOM_MODEL_ID)).toEqual({
      modelId: CUSTOM_MODEL_ID,
      region: 'us-east-1',
      via: 'router',
      foundationModelArns: [],
    });
    expect(bedrockCustomKind.workflowInvocation(hostingOf(plan), 'us-west-2')).toBeUndefined();
  });

  it('costs model units by the hour all month in the audit, not tokens', () => {
    const plan = customModelPlan();
    const cost = estimateCost(plan);
    expect(cost.endpoints.find((e) => e.model === CUSTOM_MODEL_ID)).toEqual({
      model: CUSTOM_MODEL_ID,
      endpointName: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
      capacity: '1 model unit, no commitment',
      monthlyUsd: 20 * 1 * 730,
      note: '1 MU × $20/MU-hour, no commitment, billed while the throughput exists (not per token)',
    });
    // Its route's tokens cost nothing on top: the throughput is the price.
    expect(cost.routes.find((r) => r.route === 'support')).toMatchObject({ model: CUSTOM_MODEL_ID, monthlyUsd: 0 });
    expect(cost.byModel[CUSTOM_MODEL_ID]).toBe(14600);
  });

  it('cannot estimate a commitment the environment gives no price for, and says so', () => {
    const plan = customModelPlan('dev', (_c, e) => {
      e.dev.bedrockCustom = { models: { [CUSTOM_MODEL_ID]: { commitmentDuration: 'SixMonths', modelUnits: 3 } } };
    });
    expect(estimateCost(plan).endpoints.find((e) => e.model === CUSTOM_MODEL_ID)).toEqual({
      model: CUSTOM_MODEL_ID,
      endpointName: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
      capacity: '3 model units, SixMonths commitment',
      monthlyUsd: null,
      note: 'no model-unit price for a SixMonths commitment: set bedrockCustom.models.<id>.modelUnitHourUsd in the environment',
    });
  });

  it('lists the provisioned model in the audit: one Region, no profile', () => {
    const h = hostingOf(customModelPlan());
    expect(bedrockCustomKind.auditRow(h)).toEqual({
      regions: ['us-east-1'],
      invokeIds: [expect.stringMatching(/^provisioned model fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/)],
      inferenceProfile: null,
      placements: [
        {
          calledIn: 'us-east-1',
          invokeId: expect.stringMatching(/^fm-dev-nova-lite-support-ft-[0-9a-f]{8}$/),
          profile: null,
          runsIn: ['us-east-1'],
        },
      ],
    });
    expect(bedrockCustomKind.endpointRow(h)?.capacity).toBe('Provisioned Throughput, 1 model unit, no commitment');
  });

  it("gives selection a cost per request from the model units' hours over the route's traffic", () => {
    expect(
      costPer1kRequests(customModel(), {
        requestsPerDay: 2400,
        inputTokensPerRequest: 1000,
        outputTokensPerRequest: 300,
      }),
    ).toEqual({ usd: 200, basis: '1 model unit × $20/h × 24 h over 2400 requests/day' });
  });
});
