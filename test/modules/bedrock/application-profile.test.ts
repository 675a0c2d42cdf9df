import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { offlineOverrides, prepareTerraform } from '../../../cli/plan';
import { ApplicationInferenceProfile } from '../../../modules/bedrock/application-profile';
import { deployStatements } from '../../../modules/bootstrap/deploy-permissions';
import { parseSynth } from '../../stacks/synth-environment';
import { tempDir } from '../../support/temp-dir';

const SYSTEM_PROFILE =
  'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0';

function synth(props: Partial<ConstructorParameters<typeof ApplicationInferenceProfile>[2]> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new ApplicationInferenceProfile(stack, 'ChatProfile', {
    profileName: 'fm-prod-chat',
    copyFromArn: SYSTEM_PROFILE,
    tags: { environment: 'prod', route: 'chat', team: 'search' },
    ...props,
  });
  return parseSynth(Testing.synth(stack));
}

describe('ApplicationInferenceProfile', () => {
  it('copies the system profile and carries the cost-allocation tags', () => {
    const [profile] = Object.values(synth().resource.aws_bedrock_inference_profile);
    expect(profile).toEqual({
      name: 'fm-prod-chat',
      model_source: [{ copy_from: SYSTEM_PROFILE }],
      tags: { environment: 'prod', route: 'chat', team: 'search' },
    });
  });

  it('fails if it would copy something other than a foundation model or a system profile', () => {
    expect(() =>
      synth({ copyFromArn: 'arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/abc123' }),
    ).toThrow(
      'copy from must be a foundation-model or system inference-profile arn, but arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/abc123 was provided',
    );
  });

  it('fails on a name Bedrock refuses', () => {
    expect(() => synth({ profileName: 'fm/prod' })).toThrow(
      'profile name must be 1 to 64 letters, digits, colons and dots, each optionally followed by one space, underscore or hyphen, but fm/prod was provided',
    );
  });

  it("lets a deploy role manage profiles only in the environment's primary Region and account", () => {
    const managed = { types: ['aws_bedrock_inference_profile'], roleArns: [] };
    const statements = deployStatements(managed, {
      environment: 'prod',
      account: '333333333333',
      region: 'us-east-1',
      regions: ['us-east-1', 'us-west-2'],
      prefix: 'fm-prod',
    });
    const profiles = statements.find((s) => s.sid === 'InferenceProfiles');
    expect(profiles?.actions).toContain('bedrock:CreateInferenceProfile');
    expect(profiles?.resources).toEqual([
      'arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/*',
      'arn:aws:bedrock:us-east-1:333333333333:inference-profile/*',
      'arn:aws:bedrock:us-east-1::foundation-model/*',
    ]);
  });
  it('passes terraform validate and an offline plan with the 5.100.0 provider', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'profile');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new ApplicationInferenceProfile(stack, 'ChatProfile', {
      profileName: 'fm-prod-chat',
      copyFromArn: SYSTEM_PROFILE,
      tags: { environment: 'prod', route: 'chat', team: 'search' },
    });
    const dir = tempDir('fm-profile-plan-');
    writeFileSync(join(dir, 'cdk.tf.json'), Testing.synth(stack));
    for (const [name, body] of Object.entries(offlineOverrides())) writeFileSync(join(dir, name), JSON.stringify(body));
    const setup = prepareTerraform(join(dir, '.tf'), join(dir, '.cache'));
    const tf = (...args: string[]) => {
      const r = spawnSync('terraform', args, { cwd: dir, env: setup.env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    tf('init', '-input=false');
    expect(JSON.parse(tf('validate', '-json'))).toMatchObject({ valid: true });
    tf('plan', '-refresh=false', '-input=false', '-out=plan.bin');
    const plan = JSON.parse(tf('show', '-json', 'plan.bin')) as {
      resource_changes: { type: string; change: { actions: string[]; after: Record<string, unknown> } }[];
    };
    const [change] = plan.resource_changes.filter((c) => c.type === 'aws_bedrock_inference_profile');
    expect(change.change.actions).toEqual(['create']);
    expect(change.change.after).toMatchObject({
      name: 'fm-prod-chat',
      model_source: [{ copy_from: SYSTEM_PROFILE }],
      tags: { environment: 'prod', route: 'chat', team: 'search' },
    });
  }, 120_000);
});
