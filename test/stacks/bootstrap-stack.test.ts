import { Fn, Testing, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { managedTypes } from '../../stacks/managed';
import { runCli } from '../support/cli';
import type { EnvironmentPlan } from '../../catalog';
import { githubSubject } from '../../catalog/bootstrap';
import {
  deployStatements,
  DEPLOY_PERMISSIONS,
  UnknownDeployTypeError,
} from '../../modules/bootstrap/deploy-permissions';
import { addStacks } from '../../stacks/app';
import { deploySessionSeconds, deployTimeoutMinutes } from '../../stacks/deploy-timeout';
import { parseSynth, planFor, resourcesOf, synthEnvironment, type SynthesizedStack } from './synth-environment';

const PLANS = (): EnvironmentPlan[] => ['dev', 'staging', 'prod'].map(planFor);

/** Synthesizes every stack of the plans in one app, as `npm run synth` does, and parses one of them. */
function synthStack(name: string, plans: readonly EnvironmentPlan[] = PLANS()): SynthesizedStack {
  const app = Testing.app();
  addStacks(app, plans);
  const stack = app.node.findChild(name) as TerraformStack;
  return parseSynth(Testing.synth(stack));
}

function synthJson(name: string, plans: readonly EnvironmentPlan[] = PLANS()): Record<string, unknown> {
  const app = Testing.app();
  addStacks(app, plans);
  return JSON.parse(Testing.synth(app.node.findChild(name) as TerraformStack)) as Record<string, unknown>;
}

type DocStatement = {
  sid?: string;
  effect?: string;
  actions: string[];
  resources: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};

function documents(stack: SynthesizedStack, includes: string): DocStatement[][] {
  return Object.entries(stack.data.aws_iam_policy_document ?? {})
    .filter(([id]) => id.includes(includes))
    .map(([, d]) => d.statement as DocStatement[]);
}

/** The deploy role's managed policies of an environment, in order. */
function deployPolicies(stack: SynthesizedStack, env: string): DocStatement[][] {
  const docs = Object.entries(stack.data.aws_iam_policy_document ?? {})
    .filter(([id]) => new RegExp(`^DeployRole-${env}_Policy\\d+_Document`).test(id))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([, d]) => d.statement as DocStatement[]);
  expect(docs.length).toBeGreaterThan(0);
  return docs;
}

/** Every statement of an environment's deploy role. */
const deployPolicy = (stack: SynthesizedStack, env: string): DocStatement[] => deployPolicies(stack, env).flat();

const rendered = (statements: DocStatement[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: 'Allow',
      Action: s.actions,
      Resource: s.resources,
      ...(s.condition
        ? { Condition: Object.fromEntries(s.condition.map((c) => [c.test, { [c.variable]: c.values }])) }
        : {}),
    })),
  });

const withWaf = (plan: EnvironmentPlan): EnvironmentPlan => ({
  ...plan,
  api: { ...plan.api, waf: { enabled: true } },
});

describe('BootstrapStack', () => {
  const prod = synthStack('bootstrap-333333333333');

  it('makes one bootstrap stack per account, in the same app as the environments', () => {
    const app = Testing.app();
    addStacks(app, PLANS());
    expect(app.node.children.map((c) => c.node.id)).toEqual([
      'dev',
      'staging',
      'prod',
      'bootstrap-111111111111',
      'bootstrap-222222222222',
      'bootstrap-333333333333',
    ]);
  });

  it('makes the state bucket versioned, encrypted, private and TLS-only', () => {
    const bucket = resourcesOf(prod, 'aws_s3_bucket').find((b) => b.bucket === 'fm-platform-tfstate-333333333333');
    expect(bucket).toMatchObject({ force_destroy: false });
    expect(resourcesOf(prod, 'aws_s3_bucket_versioning')).toContainEqual(
      expect.objectContaining({ versioning_configuration: { status: 'Enabled' } }),
    );
    expect(resourcesOf(prod, 'aws_s3_bucket_server_side_encryption_configuration')).toContainEqual(
      expect.objectContaining({
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true }],
      }),
    );
    for (const block of resourcesOf(prod, 'aws_s3_bucket_public_access_block'))
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    const [statePolicy] = documents(prod, 'StateBucket-fm-platform-tfstate-333333333333');
    expect(statePolicy).toContainEqual(
      expect.objectContaining({
        sid: 'DenyWithoutTls',
        effect: 'Deny',
        actions: ['s3:*'],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      }),
    );
  });

  it('keeps its own state locally first, then in its bucket with a native lock file once migrated', () => {
    const local = synthJson('bootstrap-333333333333') as { terraform: { backend: Record<string, { path?: string }> } };
    expect(Object.keys(local.terraform.backend)).toEqual(['local']);
    expect(local.terraform.backend.local.path).toMatch(/terraform\.bootstrap-333333333333\.tfstate$/);
    const migrated = PLANS().map((p) =>
      p.name === 'prod' ? { ...p, bootstrap: { ...p.bootstrap!, state: 'bucket' as const } } : p,
    );
    const s3 = synthJson('bootstrap-333333333333', migrated) as { terraform: { backend: Record<string, unknown> } };
    expect(s3.terraform.backend).toEqual({
      s3: {
        bucket: 'fm-platform-tfstate-333333333333',
        key: 'fm-platform/bootstrap.tfstate',
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('trusts GitHub OIDC for one repository and one GitHub environment, without a thumbprint', () => {
    expect(resourcesOf(prod, 'aws_iam_openid_connect_provider')).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
    ]);
    const [trust] = documents(prod, 'DeployRole-prod_Trust');
    expect(trust).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        condition: [
          { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
          {
            test: 'StringEquals',
            variable: 'token.actions.githubusercontent.com:sub',
            values: ['repo:example-org/fm-platform:environment:prod'],
          },
        ],
      }),
    ]);
    expect(githubSubject('o/r', { branch: 'main' })).toBe('repo:o/r:ref:refs/heads/main');
    const role = resourcesOf(prod, 'aws_iam_role').find((r) => r.name === 'fm-platform-deploy-prod');
    expect(role?.max_session_duration).toBe(deploySessionSeconds(planFor('prod')));
  });

  it("gives the catalog sync a read-only role per environment, trusted only for the default branch's runs", () => {
    const [trust] = documents(prod, 'SyncRole-prod_Trust');
    expect(trust[0].condition).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
      {
        test: 'StringEquals',
        variable: 'token.actions.githubusercontent.com:sub',
        values: ['repo:example-org/fm-platform:ref:refs/heads/main'],
      },
    ]);
    const plan = planFor('prod');
    const regions = [plan.region, ...plan.failoverRegions].sort();
    const [policy] = documents(prod, 'SyncRole-prod_Policy1_Document');
    expect(policy.map((s) => [s.actions, s.resources])).toEqual([
      [['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'], ['*']],
      [['bedrock:GetFoundationModel'], regions.map((r) => `arn:aws:bedrock:${r}::foundation-model/*`)],
      [['bedrock:GetInferenceProfile'], regions.map((r) => `arn:aws:bedrock:${r}:333333333333:inference-profile/*`)],
    ]);
    // The role deploy-settings prints for the scheduled workflow is the one this stack creates.
    const settings = runCli('deploy-settings', ['--env', 'prod']).stdout;
    const printed = /^sync-role-arn=arn:aws:iam::333333333333:role\/(.+)$/m.exec(settings)?.[1];
    expect(resourcesOf(prod, 'aws_iam_role').map((r) => r.name)).toContain(printed);
    expect(prod.output.sync_role_arns).toBeDefined();
  });

  it("gives each environment an evaluation-job role: trusted by Bedrock for the account's jobs, its prefix and its models only", () => {
    const plan = planFor('prod');
    const [trust] = documents(prod, 'EvaluationRole-prod_Trust');
    expect(trust).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['bedrock.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['333333333333'] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [`arn:aws:bedrock:${plan.region}:333333333333:evaluation-job/*`],
          },
        ],
      },
    ]);
    const [policy] = documents(prod, 'EvaluationRole-prod_Policy_Document');
    const bucket = 'arn:aws:s3:::fm-platform-evaluation-333333333333';
    const bySid: Record<string, DocStatement> = Object.fromEntries(policy.map((s) => [s.sid, s]));
    expect(bySid.ReadDatasets.resources).toEqual([`${bucket}/prod/*`]);
    expect(bySid.WriteResults.resources).toEqual([`${bucket}/prod/output/*`]);
    // Exactly what the environment's routes call from its Region: each profile and the foundation
    // models behind it, no wildcard.
    const expected = plan.models
      .flatMap((m) => (m.hosting.type === 'bedrock' ? m.hosting.invocations : []))
      .filter((i) => i.region === plan.region)
      .flatMap((i) => [...(i.profile ? [i.profile.arn] : []), ...i.foundationModelArns]);
    expect(expected.length).toBeGreaterThan(0);
    expect(bySid.InvokeEnvironmentModels.resources).toEqual([...new Set(expected)].sort());
    expect(bySid.InvokeEnvironmentModels.resources.filter((r: string) => r.includes('*'))).toEqual([]);
    // Prompt text does not stay: the bucket expires what jobs leave.
    const lifecycle = Object.values(prod.resource.aws_s3_bucket_lifecycle_configuration ?? {}) as {
      bucket: string;
      rule: { expiration: { days: number }[] }[];
    }[];
    expect(lifecycle.map((l) => [l.bucket, l.rule[0].expiration[0].days])).toEqual([
      ['fm-platform-evaluation-333333333333', 90],
    ]);
    // deploy-settings and `npm run evaluate --target bedrock-job` name the role and bucket this stack makes.
    const settings = runCli('deploy-settings', ['--env', 'prod']).stdout;
    const role = /^evaluation-role-arn=arn:aws:iam::333333333333:role\/(.+)$/m.exec(settings)?.[1];
    expect(resourcesOf(prod, 'aws_iam_role').map((r) => r.name)).toContain(role);
    expect(settings).toMatch(/^evaluation-job-bucket=s3:\/\/fm-platform-evaluation-333333333333\/prod$/m);
  });

  it('generates the deploy policy from the stack: no * action, PassRole only on its own roles, within IAM size', () => {
    const ownRoles = resourcesOf(synthEnvironment('prod'), 'aws_iam_role')
      .map((r) => `arn:aws:iam::333333333333:role/${String(r.name)}`)
      .sort();
    const policy = deployPolicy(prod, 'prod');
    const actions = policy.flatMap((s) => s.actions);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    const passRole = policy.filter((s) => s.actions.includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        sid: 'PassOwnRoles',
        effect: 'Allow',
        actions: ['iam:PassRole'],
        resources: ownRoles,
        condition: [
          {
            test: 'StringEquals',
            variable: 'iam:PassedToService',
            values: [
              'appconfig.amazonaws.com',
              'lambda.amazonaws.com',
              'sagemaker.amazonaws.com',
              'scheduler.amazonaws.com',
              'states.amazonaws.com',
            ],
          },
        ],
      },
    ]);
    // Every role action is on the stack's own roles only; policy actions on its own (fm-prod-) managed policies only.
    for (const s of policy.filter((st) => st.actions.some((a) => a.startsWith('iam:'))))
      expect(s.resources).toEqual(
        s.sid === 'OwnRoles' ? [...ownRoles, 'arn:aws:iam::333333333333:policy/fm-prod-*'].sort() : ownRoles,
      );
    expect(policy.find((s) => s.sid === 'OwnRoles')?.actions).toEqual(
      expect.arrayContaining(['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:CreatePolicy']),
    );
    // A statement on "*" holds only actions without resource-level permissions, in the environment's Region.
    for (const s of policy.filter((st) => st.resources.includes('*')))
      expect(s.condition).toEqual([expect.objectContaining({ test: 'StringEquals', variable: 'aws:RequestedRegion' })]);
    // Each managed policy holds 6,144 characters, and a role takes 10 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
    for (const [env, stack] of [
      ['dev', synthStack('bootstrap-111111111111')],
      ['staging', synthStack('bootstrap-222222222222')],
      ['prod', prod],
    ] as const) {
      const policies = deployPolicies(stack, env);
      expect(policies.length).toBeLessThanOrEqual(10);
      for (const p of policies) expect(rendered(p).length).toBeLessThanOrEqual(6_144);
      // Each is attached to the role.
      const attached = Object.values(stack.resource.aws_iam_role_policy_attachment ?? {}).filter((a) =>
        String(a.role).startsWith(`${'$'}{aws_iam_role.DeployRole-${env}_`),
      );
      expect(attached).toHaveLength(policies.length);
    }
    // prod's permissions no longer fit one policy: the split is exercised.
    expect(deployPolicies(prod, 'prod').length).toBeGreaterThan(1);
  });

  it('gives a deploy role the actions of a resource type its environment starts to manage', () => {
    const before = deployPolicy(synthStack('bootstrap-111111111111'), 'dev').flatMap((s) => s.actions);
    expect(before).not.toContain('wafv2:CreateWebACL');
    const plans = PLANS().map((p) => (p.name === 'dev' ? withWaf(p) : p));
    const after = deployPolicy(synthStack('bootstrap-111111111111', plans), 'dev');
    const waf = after.find((s) => s.sid === 'Waf');
    expect(waf?.actions).toEqual(expect.arrayContaining(['wafv2:CreateWebACL', 'wafv2:AssociateWebACL']));
    expect(waf?.resources).toContain('arn:aws:wafv2:us-east-1:111111111111:regional/webacl/fm-dev-*/*');
  });

  it('fails with the file to edit when a stack manages a type the table does not know', () => {
    const scope = { environment: 'dev', account: '1', region: 'us-east-1', regions: ['us-east-1'], prefix: 'fm-dev' };
    const run = () => deployStatements({ types: ['aws_lambda_function', 'aws_sqs_queue'], roleArns: [] }, scope);
    expect(run).toThrow(UnknownDeployTypeError);
    expect(run).toThrow(
      'the dev stack manages aws_sqs_queue, which the deploy role has no actions for; fix: add each type with the actions the AWS provider calls for it to DEPLOY_PERMISSIONS in modules/bootstrap/deploy-permissions.ts',
    );
    expect(DEPLOY_PERMISSIONS.aws_sqs_queue).toBeUndefined();
  });

  it('reads what a stack manages from its constructs, and refuses a role whose name is unknown at synth', () => {
    const stack = new TerraformStack(Testing.app(), 'probe');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new IamRole(stack, 'Named', { name: 'fm-probe-role', assumeRolePolicy: '{}' });
    expect(managedTypes(stack, '1')).toEqual({
      types: ['aws_iam_role'],
      roleArns: ['arn:aws:iam::1:role/fm-probe-role'],
    });
    new IamRole(stack, 'Computed', { name: Fn.lower('X'), assumeRolePolicy: '{}' });
    expect(() => managedTypes(stack, '1')).toThrow(
      /role probe\/Computed of stack probe has no name known at synth; fix: give it a fixed name/,
    );
  });

  it("sets API Gateway's CloudWatch role for the account", () => {
    const role = resourcesOf(prod, 'aws_iam_role').find((r) => r.name === 'fm-platform-apigateway-cloudwatch');
    expect(role).toBeDefined();
    expect(
      resourcesOf(prod, 'aws_iam_role_policy_attachment').filter((a) => !String(a.policy_arn).startsWith('${')),
    ).toEqual([
      expect.objectContaining({
        policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      }),
    ]);
    const [account] = resourcesOf(prod, 'aws_api_gateway_account');
    expect(account).toMatchObject({ reset_on_delete: true });
    expect(String(account.cloudwatch_role_arn)).toMatch(/^\$\{aws_iam_role\.ApiGatewayLogging_Role_.+\.arn\}$/);
    const [trust] = documents(prod, 'ApiGatewayLogging_Trust');
    expect(trust[0].principals).toEqual([{ type: 'Service', identifiers: ['apigateway.amazonaws.com'] }]);
  });

  it("lets only the environment's SageMaker execution roles read the account's model artifacts", () => {
    const bucket = resourcesOf(prod, 'aws_s3_bucket').find(
      (b) => b.bucket === 'fm-platform-model-artifacts-333333333333',
    );
    expect(bucket).toBeDefined();
    expect(resourcesOf(prod, 'aws_s3_bucket_server_side_encryption_configuration')).toContainEqual(
      expect.objectContaining({
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: false }],
      }),
    );
    // The endpoint's execution role, and the DR function of its pipeline (it reads whether a version's
    // weights replicated: HEAD is governed by s3:GetObject).
    const exec = [
      'arn:aws:iam::333333333333:role/fm-prod-deploy-llama-3-8b-support-lora-dr-role',
      'arn:aws:iam::333333333333:role/fm-prod-llama-3-8b-support-lora-exec',
    ];
    const [policy] = documents(prod, 'ModelArtifacts_PolicyDocument');
    expect(policy.find((s) => s.sid === 'ExecutionRolesRead')).toMatchObject({
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::333333333333:root'] }],
      actions: ['s3:GetObject', 's3:ListBucket'],
      condition: [{ test: 'ArnEquals', variable: 'aws:PrincipalArn', values: exec }],
    });
    expect(policy.find((s) => s.sid === 'OnlyExecutionRolesRead')).toMatchObject({
      effect: 'Deny',
      actions: ['s3:GetObject'],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: exec }],
    });
    // dev runs no endpoint: nobody reads its bucket.
    const [devPolicy] = documents(synthStack('bootstrap-111111111111'), 'ModelArtifacts');
    expect(devPolicy.find((s) => s.sid === 'NoReaders')).toMatchObject({ effect: 'Deny', actions: ['s3:GetObject'] });
  });

  it("replicates the artifacts bucket into prod's DR Region, read there only by the DR endpoint's role and its pipeline's DR function", () => {
    const replica = 'fm-platform-model-artifacts-333333333333-us-west-2';
    expect(resourcesOf(prod, 'aws_s3_bucket').filter((b) => b.bucket === replica)).toEqual([
      expect.objectContaining({ provider: 'aws.us-west-2' }),
    ]);
    // Replication needs versioning on the replica too (SecureBucket versions every bucket).
    expect(resourcesOf(prod, 'aws_s3_bucket_versioning').filter((v) => v.provider === 'aws.us-west-2')).toEqual([
      expect.objectContaining({ versioning_configuration: { status: 'Enabled' } }),
    ]);
    const [config] = resourcesOf(prod, 'aws_s3_bucket_replication_configuration');
    expect(config).toMatchObject({
      bucket: 'fm-platform-model-artifacts-333333333333',
      rule: [
        {
          id: 'to-us-west-2',
          status: 'Enabled',
          filter: { prefix: '' },
          delete_marker_replication: { status: 'Enabled' },
          destination: { bucket: `arn:aws:s3:::${replica}`, storage_class: 'STANDARD' },
        },
      ],
    });
    expect((config.depends_on as string[]).filter((d) => d.startsWith('aws_s3_bucket_versioning.'))).toHaveLength(2);
    const [role] = documents(prod, 'ModelArtifactsReplication_Policy_Document');
    expect(role.find((s) => s.sid === 'WriteReplicas')).toMatchObject({
      actions: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
      resources: [`arn:aws:s3:::${replica}/*`],
    });
    const [policy] = documents(prod, 'ModelArtifactsReplication_Replica-us-west-2_PolicyDocument');
    expect(policy.find((s) => s.sid === 'OnlyExecutionRolesRead')).toMatchObject({
      condition: [
        {
          test: 'ArnNotEquals',
          variable: 'aws:PrincipalArn',
          values: [
            'arn:aws:iam::333333333333:role/fm-prod-deploy-llama-3-8b-support-lora-dr-role',
            'arn:aws:iam::333333333333:role/fm-prod-llama-3-8b-support-lora-dr-exec',
          ],
        },
      ],
    });
    // An account without DR endpoints replicates nothing.
    expect(resourcesOf(synthStack('bootstrap-222222222222'), 'aws_s3_bucket_replication_configuration')).toEqual([]);
  });

  it("grants another account's execution role read of a bucket when the owner lists it in grantRead", () => {
    const shared = 's3://fm-platform-model-artifacts-222222222222/llama-3-1-8b-instruct/';
    const plans = PLANS().map((p) => {
      if (p.name === 'staging') return { ...p, bootstrap: { ...p.bootstrap!, grantRead: ['prod'] } };
      if (p.name !== 'prod') return p;
      return {
        ...p,
        models: p.models.map((m) =>
          m.hosting.type === 'sagemaker' ? { ...m, hosting: { ...m.hosting, modelDataUrl: shared, adapters: [] } } : m,
        ),
      };
    });
    const [policy] = documents(synthStack('bootstrap-222222222222', plans), 'ModelArtifacts');
    expect(policy.find((s) => s.sid === 'ExecutionRolesRead')).toMatchObject({
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] }],
      condition: [
        {
          test: 'ArnEquals',
          variable: 'aws:PrincipalArn',
          values: [
            'arn:aws:iam::222222222222:role/fm-staging-llama-3-8b-support-lora-exec',
            'arn:aws:iam::333333333333:role/fm-prod-deploy-llama-3-8b-support-lora-dr-role',
            'arn:aws:iam::333333333333:role/fm-prod-llama-3-8b-support-lora-exec',
          ],
        },
      ],
    });
  });

  it('sizes the deploy job and the role session from the roll-out settings', () => {
    // prod: 20 before the apply + 10 for the apply and 70 for the blue/green by `npm run promote`
    // (3600 s + 600 s), then 70 again for its DR endpoint's and 15 for the weights to replicate,
    // + 35 for AppConfig (20 + 10 + 5).
    expect(deployTimeoutMinutes(planFor('prod'))).toBe(220);
    expect(deployTimeoutMinutes(planFor('staging'))).toBe(85);
    expect(deployTimeoutMinutes(planFor('dev'))).toBe(35);
    expect(deploySessionSeconds(planFor('dev'))).toBe(3600);
    expect(deploySessionSeconds(planFor('prod'))).toBe(13200);
  });
});
