import { loadProject } from '../../catalog';
import { workflowCandidate } from '../../workflows/candidates';

describe('workflow candidates', () => {
  const prod = loadProject({ only: ['prod'] }).plans[0];

  it('calls a Bedrock model in the primary Region, through its inference profile', () => {
    const c = workflowCandidate(prod, 'claude-haiku-4-5');
    expect(c).toMatchObject({
      modelId: 'claude-haiku-4-5',
      region: 'us-east-1',
      via: 'invoke-model',
      invokeId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
    expect(c.profileArn).toMatch(/:inference-profile\/us\.anthropic\.claude-haiku-4-5-20251001-v1:0$/);
    expect(c.foundationModelArns.length).toBeGreaterThan(0);
  });

  it('calls a SageMaker model through the router', () => {
    expect(workflowCandidate(prod, 'llama-3-8b-support-lora')).toEqual({
      modelId: 'llama-3-8b-support-lora',
      region: 'us-east-1',
      via: 'router',
      foundationModelArns: [],
    });
  });

  it('fails if the model is not in the plan', () => {
    expect(() => workflowCandidate(prod, 'nope')).toThrow('workflow: model "nope" is not in the plan of prod');
  });
});
