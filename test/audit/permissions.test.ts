import { allowsInvoke, grantLines, modelAccessOf, wildcardInvokeResources } from '../../audit/permissions';
import { synthStacks } from '../../audit/run';
import { stackIamStatements, type IamStatement } from '../../audit/stack-json';
import { loadProject } from '../../catalog';

const statement = (actions: string[], resources: string[], extra: Partial<IamStatement> = {}): IamStatement => ({
  role: 'aws_iam_role.Router_Role',
  policy: 'aws_iam_role_policy.Router_Models',
  effect: 'Allow',
  actions,
  resources,
  conditions: [],
  ...extra,
});

describe('the permissions of the synthesized prod stack', () => {
  const project = loadProject({ only: ['prod'], today: '2026-11-29' });
  const access = modelAccessOf(stackIamStatements(synthStacks(project.plans).get('prod')));

  it('lists what each environment may invoke, from the synthesized IAM, with no wildcard', () => {
    const resources = access.map((a) => a.resource);
    expect(resources).toContain(
      'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
    expect(resources).toContain('arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0');
    expect(resources.some((r) => r.includes('*'))).toBe(false);
    expect(
      access.find(
        (a) => a.resource === 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      )?.onlyViaProfile,
    ).toBe(true);
  });
});

describe('allowsInvoke', () => {
  it.each([
    ['bedrock:InvokeModel'],
    ['bedrock:InvokeModelWithResponseStream'],
    ['bedrock:Invoke*'],
    ['bedrock:*'],
    ['*'],
    ['sagemaker:InvokeEndpoint'],
    ['sagemaker:InvokeEndpointAsync'],
  ])('counts %s as invoking', (action) => {
    expect(allowsInvoke(statement([action], ['*']))).toBe(true);
  });

  it('does not count other actions, or a Deny', () => {
    expect(
      allowsInvoke(statement(['bedrock:ApplyGuardrail', 'dynamodb:GetItem', 'bedrock:ListFoundationModels'], ['*'])),
    ).toBe(false);
    expect(allowsInvoke(statement(['bedrock:InvokeModel'], ['*'], { effect: 'Deny' }))).toBe(false);
  });
});

describe('wildcardInvokeResources', () => {
  it('finds "*" and the resources that stand for every model, profile or endpoint', () => {
    const s = statement(
      ['bedrock:InvokeModel'],
      [
        '*',
        'arn:aws:bedrock:us-east-1::foundation-model/*',
        'arn:aws:bedrock:us-east-1:1:inference-profile/*',
        'arn:aws:sagemaker:us-east-1:1:endpoint/*',
        'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
      ],
    );
    expect(wildcardInvokeResources(s)).toEqual([
      '*',
      'arn:aws:bedrock:us-east-1::foundation-model/*',
      'arn:aws:bedrock:us-east-1:1:inference-profile/*',
      'arn:aws:sagemaker:us-east-1:1:endpoint/*',
    ]);
  });

  it('finds none on a statement that does not invoke', () => {
    expect(wildcardInvokeResources(statement(['logs:PutLogEvents'], ['*']))).toEqual([]);
  });
});

describe('modelAccessOf', () => {
  it('lists each invocable resource with its kind and Region, guardrails included, sorted by role, kind and resource', () => {
    const access = modelAccessOf([
      statement(['bedrock:InvokeModel'], ['arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-micro-v1:0'], {
        conditions: [
          {
            test: 'StringLike',
            variable: 'bedrock:InferenceProfileArn',
            values: ['arn:aws:bedrock:us-east-1:1:inference-profile/us.amazon.nova-micro-v1:0'],
          },
        ],
      }),
      statement(['bedrock:InvokeModel'], ['arn:aws:bedrock:us-east-1:1:inference-profile/us.amazon.nova-micro-v1:0']),
      statement(['sagemaker:InvokeEndpoint'], ['arn:aws:sagemaker:us-east-1:1:endpoint/fm-prod-support'], {
        role: 'aws_iam_role.A_Role',
      }),
      statement(['bedrock:ApplyGuardrail'], ['arn:aws:bedrock:us-east-1:1:guardrail/abc']),
      statement(['bedrock:InvokeModel'], ['arn:aws:bedrock:us-east-1:1:application-inference-profile/x', 'not-an-arn']),
      statement(['dynamodb:GetItem'], ['arn:aws:dynamodb:us-east-1:1:table/circuits']),
    ]);
    expect(access.map((a) => [a.role, a.kind, a.region, a.resource, a.onlyViaProfile])).toEqual([
      ['aws_iam_role.A_Role', 'endpoint', 'us-east-1', 'arn:aws:sagemaker:us-east-1:1:endpoint/fm-prod-support', false],
      [
        'aws_iam_role.Router_Role',
        'application-inference-profile',
        'us-east-1',
        'arn:aws:bedrock:us-east-1:1:application-inference-profile/x',
        false,
      ],
      [
        'aws_iam_role.Router_Role',
        'foundation-model',
        'us-west-2',
        'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-micro-v1:0',
        true,
      ],
      ['aws_iam_role.Router_Role', 'guardrail', 'us-east-1', 'arn:aws:bedrock:us-east-1:1:guardrail/abc', false],
      [
        'aws_iam_role.Router_Role',
        'inference-profile',
        'us-east-1',
        'arn:aws:bedrock:us-east-1:1:inference-profile/us.amazon.nova-micro-v1:0',
        false,
      ],
      ['aws_iam_role.Router_Role', 'other', '', 'not-an-arn', false],
    ]);
  });
});

describe('grantLines', () => {
  it('makes one line per role, action and resource of each Allow, with the conditions tested', () => {
    const lines = grantLines([
      statement(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], ['arn:a', 'arn:b'], {
        conditions: [{ test: 'StringLike', variable: 'bedrock:InferenceProfileArn', values: ['arn:p'] }],
      }),
      statement(['bedrock:InvokeModel'], ['arn:c'], { effect: 'Deny' }),
    ]);
    expect([...lines]).toEqual([
      'aws_iam_role.Router_Role bedrock:InvokeModel arn:a [StringLike bedrock:InferenceProfileArn]',
      'aws_iam_role.Router_Role bedrock:InvokeModel arn:b [StringLike bedrock:InferenceProfileArn]',
      'aws_iam_role.Router_Role bedrock:InvokeModelWithResponseStream arn:a [StringLike bedrock:InferenceProfileArn]',
      'aws_iam_role.Router_Role bedrock:InvokeModelWithResponseStream arn:b [StringLike bedrock:InferenceProfileArn]',
    ]);
  });
});

describe('modelAccessOf with the stack application profiles', () => {
  it("lists a profile's ARN reference as an application inference profile, with its name and Region", () => {
    const ref = '${aws_bedrock_inference_profile.ApplicationProfiles_fm-prod-chat-nova-lite_B1AC9826.arn}';
    const access = modelAccessOf(
      [statement(['bedrock:InvokeModel'], [ref])],
      new Map([[ref, { name: 'fm-prod-chat-nova-lite', region: 'us-east-1' }]]),
    );
    expect(access.map((a) => [a.kind, a.region, a.resource])).toEqual([
      ['application-inference-profile', 'us-east-1', `fm-prod-chat-nova-lite (${ref})`],
    ]);
  });
});
