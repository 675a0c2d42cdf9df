import { Testing } from 'cdktf';
import { BedrockModelAccess } from '../../../modules/bedrock/model-access';
import { parseSynth, policyStatements, synthEnvironment, planFor } from '../../stacks/synth-environment';

const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

describe('router permissions', () => {
  it('allows bedrock invocation on exactly the profile and foundation-model arns of the plan, and its application profiles', () => {
    const plan = planFor('prod');
    const stack = synthEnvironment('prod');
    const applicationProfiles = Object.keys(stack.resource.aws_bedrock_inference_profile ?? {}).map(
      (name) => `\${aws_bedrock_inference_profile.${name}.arn}`,
    );
    expect(applicationProfiles).toHaveLength(plan.applicationProfiles.length);
    const expected = new Set([
      ...plan.models.flatMap((m) =>
        m.hosting.type === 'bedrock'
          ? m.hosting.invocations.flatMap((i) => [...(i.profile ? [i.profile.arn] : []), ...i.foundationModelArns])
          : [],
      ),
      ...applicationProfiles,
    ]);
    const granted = policyStatements(stack)
      .filter((s) => s.actions.some((a) => a.startsWith('bedrock:Invoke')))
      .flatMap((s) => s.resources);
    expect(new Set(granted)).toEqual(expected);
    expect(granted).toEqual(
      expect.arrayContaining([
        'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
        'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
        'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      ]),
    );
  });

  it('allows foundation models behind a profile only through that profile', () => {
    const statements = policyStatements(synthEnvironment('prod'));
    const sonnet = statements.find((s) =>
      s.resources.includes('arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0'),
    );
    expect(sonnet?.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'bedrock:InferenceProfileArn',
        values: expect.arrayContaining([
          'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
        ]),
      },
    ]);
  });

  it.each(['dev', 'staging', 'prod'])(
    'grants no * resource on a bedrock, sagemaker, dynamodb or appconfig action in %s',
    (env) => {
      // The model deployment pipelines' roles are judged in test/modules/sagemaker/model-deployments.test.ts:
      // the versions they deploy and the names they create are patterns anchored to the model's own group
      // and endpoint, and none of their statements invokes a model.
      const risky = policyStatements(synthEnvironment(env)).filter(
        (s) =>
          !s.document.includes('ModelDeployments') &&
          s.actions.some((a) => /^(bedrock|sagemaker|dynamodb|appconfig):/.test(a)),
      );
      expect(risky.length).toBeGreaterThan(0);
      for (const s of risky) expect(s.resources.filter((r) => r.includes('*'))).toEqual([]);
    },
  );

  it('grants the router invoke on its sagemaker endpoints only, and the appconfig profile and circuit table', () => {
    const statements = policyStatements(synthEnvironment('staging'));
    const byAction = (a: string) => statements.filter((s) => s.actions.includes(a)).flatMap((s) => s.resources);
    const invokable = byAction('sagemaker:InvokeEndpoint');
    expect(invokable).toHaveLength(1);
    expect(invokable[0]).toMatch(/^\$\{aws_sagemaker_endpoint\.Endpoint-llama-3-8b-support-lora_[0-9A-F]+\.arn\}$/);
    expect(byAction('appconfig:GetLatestConfiguration')[0]).toMatch(
      /^arn:aws:appconfig:us-east-1:222222222222:application\/\$\{.+\}\/environment\/\$\{.+\}\/configuration\/\$\{.+\}$/,
    );
    expect(statements.find((s) => s.sid === 'CircuitItems')?.actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    // X-Ray's segment API has no resource-level permissions: '*' is its only resource, for every role that traces.
    expect(new Set(byAction('xray:PutTraceSegments'))).toEqual(new Set(['*']));
  });

  it('applies guardrails of routes that have one', () => {
    const json = parseSynth(
      Testing.synthScope((scope) => {
        new BedrockModelAccess(scope, 'Access', {
          role: { name: 'router', arn: 'arn:aws:iam::111111111111:role/router' },
          invocations: [
            { foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0'] },
          ],
          guardrailArns: ['arn:aws:bedrock:us-east-1:111111111111:guardrail/abc123'],
        });
      }),
    );
    const statements = Object.values(
      json.data.aws_iam_policy_document as Record<
        string,
        { statement: { sid: string; actions: string[]; resources: string[]; condition?: unknown }[] }
      >,
    )[0].statement;
    expect(statements.map((s) => [s.sid, s.actions, s.resources])).toEqual([
      ['InvokeModelsDirectly', INVOKE_ACTIONS, ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0']],
      ['ApplyGuardrails', ['bedrock:ApplyGuardrail'], ['arn:aws:bedrock:us-east-1:111111111111:guardrail/abc123']],
    ]);
    expect(statements[0].condition).toBeUndefined();
  });

  it('allows no guardrail unless given some', () => {
    const json = parseSynth(
      Testing.synthScope((scope) => {
        new BedrockModelAccess(scope, 'Access', {
          role: { name: 'router', arn: 'arn:aws:iam::111111111111:role/router' },
          invocations: [
            { foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0'] },
          ],
        });
      }),
    );
    const statements = Object.values(
      json.data.aws_iam_policy_document as Record<string, { statement: { sid: string }[] }>,
    )[0].statement;
    expect(statements.map((s) => s.sid)).toEqual(['InvokeModelsDirectly']);
  });

  it('fails if a model arn is a wildcard', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new BedrockModelAccess(scope, 'Access', {
          role: { name: 'r', arn: 'a' },
          invocations: [{ foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/*'] }],
        });
      }),
    ).toThrow(
      'BedrockModelAccess at stack/Access: model and guardrail arns must be exact, but arn:aws:bedrock:us-east-1::foundation-model/* was provided',
    );
  });
});
