import { planIamPolicies, stackIamPolicies, type TerraformPlanJson } from '../../audit/stack-json';

/** A stack with one role, one policy rendered from a document, and one policy whose document is missing. */
const stack = {
  resource: {
    aws_iam_role: { Router: { name: 'fm-dev-router-role' } },
    aws_iam_role_policy: {
      Models: { role: '${aws_iam_role.Router.name}', policy: '${data.aws_iam_policy_document.Models.json}' },
      Lost: { role: '${aws_iam_role.Router.name}', policy: '${data.aws_iam_policy_document.Gone.json}' },
    },
  },
  data: {
    aws_iam_policy_document: {
      Models: {
        statement: [
          { actions: ['bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeModel'], resources: ['b', 'a'] },
        ],
      },
    },
  },
};

const rc = (address: string, after: Record<string, unknown>, afterUnknown: Record<string, unknown> = {}) => ({
  address,
  type: address.split('.')[0],
  mode: 'managed',
  change: { actions: ['create'], before: null, after, after_unknown: afterUnknown },
});

describe('stackIamPolicies', () => {
  it('names the role by address and by name, sorts lists, and lists a policy it cannot render as unreadable', () => {
    expect(stackIamPolicies(stack)).toEqual({
      statements: [
        {
          role: 'aws_iam_role.Router',
          roleName: 'fm-dev-router-role',
          policy: 'aws_iam_role_policy.Models',
          effect: 'Allow',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: ['a', 'b'],
          conditions: [],
        },
      ],
      unreadable: [
        {
          role: 'aws_iam_role.Router',
          roleName: 'fm-dev-router-role',
          policy: 'aws_iam_role_policy.Lost',
          reason: 'its document data.aws_iam_policy_document.Gone is not in the stack',
        },
      ],
    });
  });
});

describe('planIamPolicies', () => {
  const plan: TerraformPlanJson = {
    format_version: '1.2',
    resource_changes: [
      rc('aws_iam_role.Router', { name: 'fm-dev-router-role' }),
      rc('aws_iam_role_policy.Models', { role: 'fm-dev-router-role' }, { policy: true }),
      rc('aws_iam_role_policy.Lost', { role: 'fm-dev-router-role' }, { policy: true }),
      rc('aws_iam_role_policy.Broken', { role: 'fm-dev-router-role', policy: '{not json' }),
      rc('aws_iam_role_policy.Known', {
        role: 'fm-dev-router-role',
        policy: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:x' } }),
      }),
    ],
  };

  it('reads an unknown policy from the stack by address, and names roles by address through their rendered name', () => {
    const { statements, unreadable } = planIamPolicies(plan, stack);
    expect(statements.map((s) => [s.role, s.roleName, s.policy, s.actions.join(',')])).toEqual([
      [
        'aws_iam_role.Router',
        'fm-dev-router-role',
        'aws_iam_role_policy.Models',
        'bedrock:InvokeModel,bedrock:InvokeModelWithResponseStream',
      ],
      ['aws_iam_role.Router', 'fm-dev-router-role', 'aws_iam_role_policy.Known', 'logs:PutLogEvents'],
    ]);
    expect(unreadable.map((u) => [u.policy, u.reason])).toEqual([
      [
        'aws_iam_role_policy.Lost',
        'its policy is known only after apply in the plan, and the synthesized stack cannot show it either (its document data.aws_iam_policy_document.Gone is not in the stack)',
      ],
      [
        'aws_iam_role_policy.Broken',
        'its policy is not a JSON document, and the synthesized stack of this commit has no policy at that address',
      ],
    ]);
  });

  it('never drops a policy it cannot read, even with no stack to read it from', () => {
    const { unreadable } = planIamPolicies(plan);
    expect(unreadable.map((u) => u.policy)).toEqual([
      'aws_iam_role_policy.Models',
      'aws_iam_role_policy.Lost',
      'aws_iam_role_policy.Broken',
    ]);
    expect(unreadable[0].reason).toBe(
      'its policy is known only after apply in the plan, and no synthesized stack was given to read it from',
    );
  });
});

describe('policies the audit does not read', () => {
  const ATTACHED =
    'it attaches the managed policy arn:aws:iam::aws:policy/AmazonBedrockFullAccess, whose statements the audit does not read; grant through an inline role policy generated from the catalog';
  const MANAGED =
    'the role sets managed_policy_arns, whose statements the audit does not read; grant through an aws_iam_role_policy generated from the catalog';

  it('lists a managed policy attachment, and a role that sets managed policies itself, as unreadable in a stack', () => {
    const attached = {
      resource: {
        ...stack.resource,
        aws_iam_role: {
          ...stack.resource.aws_iam_role,
          Probe: { name: 'fm-dev-probe-role', managed_policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
        },
        aws_iam_role_policy_attachment: {
          Full: {
            role: '${aws_iam_role.Router.name}',
            policy_arn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess',
          },
        },
      },
      data: stack.data,
    };
    expect(stackIamPolicies(attached).unreadable.slice(1)).toEqual([
      {
        role: 'aws_iam_role.Router',
        roleName: 'fm-dev-router-role',
        policy: 'aws_iam_role_policy_attachment.Full',
        reason: ATTACHED,
      },
      { role: 'aws_iam_role.Probe', roleName: 'fm-dev-probe-role', policy: 'aws_iam_role.Probe', reason: MANAGED },
    ]);
  });

  it('lists them in a real plan too, by the role address of its configuration', () => {
    const plan: TerraformPlanJson = {
      format_version: '1.2',
      resource_changes: [
        rc('aws_iam_role.Router', { name: 'fm-dev-router-role' }),
        rc('aws_iam_role_policy_attachment.Full', {
          role: 'fm-dev-router-role',
          policy_arn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess',
        }),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: 'aws_iam_role.Router',
              type: 'aws_iam_role',
              expressions: { name: {}, managed_policy_arns: { references: [] } },
            },
            {
              address: 'aws_iam_role_policy_attachment.Full',
              type: 'aws_iam_role_policy_attachment',
              expressions: { role: { references: ['aws_iam_role.Router.name', 'aws_iam_role.Router'] } },
            },
          ],
        },
      },
    };
    expect(planIamPolicies(plan, stack).unreadable).toEqual([
      { role: 'aws_iam_role.Router', roleName: 'fm-dev-router-role', policy: 'aws_iam_role.Router', reason: MANAGED },
      {
        role: 'aws_iam_role.Router',
        roleName: 'fm-dev-router-role',
        policy: 'aws_iam_role_policy_attachment.Full',
        reason: ATTACHED,
      },
    ]);
  });
});

describe("the stack's own managed policies", () => {
  /** The stack above, with a customer-managed policy of its own attached to the router role. */
  const own = {
    resource: {
      ...stack.resource,
      aws_iam_policy: {
        Profiles: {
          name: 'fm-dev-router-application-profiles-1',
          policy: '${data.aws_iam_policy_document.Profiles.json}',
        },
      },
      aws_iam_role_policy_attachment: {
        Profiles: { role: '${aws_iam_role.Router.name}', policy_arn: '${aws_iam_policy.Profiles.arn}' },
      },
    },
    data: {
      aws_iam_policy_document: {
        ...stack.data.aws_iam_policy_document,
        Profiles: {
          statement: [
            {
              sid: 'InvokeApplicationProfiles',
              actions: ['bedrock:InvokeModel'],
              resources: ['${aws_bedrock_inference_profile.P.arn}'],
            },
          ],
        },
      },
    },
  };
  const expected = {
    role: 'aws_iam_role.Router',
    roleName: 'fm-dev-router-role',
    policy: 'aws_iam_policy.Profiles',
    sid: 'InvokeApplicationProfiles',
    effect: 'Allow',
    actions: ['bedrock:InvokeModel'],
    resources: ['${aws_bedrock_inference_profile.P.arn}'],
    conditions: [],
  };

  it('reads their statements in a stack, on the role they are attached to', () => {
    const { statements, unreadable } = stackIamPolicies(own);
    expect(statements).toContainEqual(expected);
    expect(unreadable.map((u) => u.policy)).toEqual(['aws_iam_role_policy.Lost']);
  });

  it('reads them from the synthesized stack for a real plan, where their document is known only after apply', () => {
    const plan: TerraformPlanJson = {
      format_version: '1.2',
      resource_changes: [
        rc('aws_iam_role.Router', { name: 'fm-dev-router-role' }),
        rc('aws_iam_policy.Profiles', { name: 'fm-dev-router-application-profiles-1' }, { policy: true, arn: true }),
        rc('aws_iam_role_policy_attachment.Profiles', { role: 'fm-dev-router-role' }, { policy_arn: true }),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: 'aws_iam_role_policy_attachment.Profiles',
              type: 'aws_iam_role_policy_attachment',
              expressions: {
                role: { references: ['aws_iam_role.Router.name', 'aws_iam_role.Router'] },
                policy_arn: { references: ['aws_iam_policy.Profiles.arn', 'aws_iam_policy.Profiles'] },
              },
            },
          ],
        },
      },
    };
    const { statements, unreadable } = planIamPolicies(plan, own);
    expect(statements).toEqual([expected]);
    expect(unreadable).toEqual([]);
    // Without the stack, the audit does not guess: the attachment is unreadable.
    expect(planIamPolicies(plan).unreadable.map((u) => u.policy)).toEqual(['aws_iam_role_policy_attachment.Profiles']);
  });
});
