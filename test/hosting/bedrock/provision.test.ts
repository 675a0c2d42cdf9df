import { Testing } from 'cdktf';
import type { PlannedModelOn } from '../../../catalog';
import { bedrockProvisioner } from '../../../hosting/bedrock/provision';
import { parseSynth, planFor, policyStatements } from '../../stacks/synth-environment';

const SONNET_PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

describe('the bedrock provisioner', () => {
  it('grants the router exactly its models, the foundation models behind a profile only through it, and the guardrails', () => {
    const plan = planFor('prod');
    const withGuardrail = {
      ...plan,
      routes: plan.routes.map((r) => (r.id === 'chat' ? { ...r, guardrail: { id: 'gr-1', version: '1' } } : r)),
    };
    const models = plan.models.filter((m): m is PlannedModelOn<'bedrock'> => m.hosting.type === 'bedrock');
    const stack = parseSynth(
      Testing.synthScope((scope) => {
        const out = bedrockProvisioner.provision(scope, models, {
          plan: withGuardrail,
          kmsKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/k',
          routerRole: { name: 'router', arn: 'arn:aws:iam::333333333333:role/router' },
        });
        expect(out).toEqual({ outputs: {}, dashboardEndpointNames: [], logGroupNames: [] });
      }),
    );
    const statements = policyStatements(stack);
    const viaProfile = statements.filter((s) => s.sid?.startsWith('InvokeModelsViaProfile'));
    expect(viaProfile.length).toBeGreaterThan(0);
    for (const s of viaProfile) expect(s.condition?.map((c) => c.variable)).toEqual(['bedrock:InferenceProfileArn']);
    expect(statements.find((s) => s.sid === 'InvokeModelsDirectly')?.resources).toContain(
      'arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0',
    );
    expect(statements.find((s) => s.sid === 'InvokeInferenceProfiles')?.resources).toContain(
      `arn:aws:bedrock:us-east-1:333333333333:inference-profile/${SONNET_PROFILE}`,
    );
    expect(statements.find((s) => s.sid === 'ApplyGuardrails')?.resources).toEqual([
      'arn:aws:bedrock:us-east-1:333333333333:guardrail/gr-1',
    ]);
    expect(Object.values(stack.resource.aws_iam_role_policy ?? {})).toEqual([
      expect.objectContaining({ name: 'bedrock-models', role: 'router' }),
    ]);
  });
});
