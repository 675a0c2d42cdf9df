import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { offlineOverrides, prepareTerraform } from '../../../cli/plan';
import { deployStatements } from '../../../modules/bootstrap/deploy-permissions';
import {
  ProvisionedCustomModel,
  type ProvisionedCustomModelProps,
} from '../../../modules/bedrock/provisioned-custom-model';
import { parseSynth, policyStatements, resourcesOf } from '../../stacks/synth-environment';
import { tempDir } from '../../support/temp-dir';

const JOB: ProvisionedCustomModelProps = {
  provisionedModelName: 'fm-dev-nova-lite-support-ft',
  modelUnits: 1,
  customModel: {
    job: {
      jobName: 'fm-dev-nova-lite-support-ft-0a1b2c3d',
      customModelName: 'fm-dev-nova-lite-support-ft-0a1b2c3d',
      roleName: 'fm-dev-nova-lite-support-ft-customization',
      customizationType: 'FINE_TUNING',
      baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k',
      trainingDataS3Uri: 's3://training-111111111111/support/train.jsonl',
      validationDataS3Uri: 's3://training-111111111111/support/validation.jsonl',
      outputS3Uri: 's3://training-111111111111/support/output/',
      hyperparameters: { epochCount: '2', batchSize: '1' },
    },
  },
  account: '111111111111',
  region: 'us-east-1',
};
const OUTSIDE_ARN = 'arn:aws:bedrock:us-east-1:111111111111:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl';

function build(props: ProvisionedCustomModelProps = JOB) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const router = new IamRole(stack, 'Router', { name: 'router', assumeRolePolicy: '{}' });
  const model = new ProvisionedCustomModel(stack, 'CustomModel', props);
  model.grantInvoke(router);
  return { stack, model };
}
const synth = (props?: ProvisionedCustomModelProps) => parseSynth(Testing.synth(build(props).stack));

describe('ProvisionedCustomModel', () => {
  it('runs the customization job as its own service role, with the base model as an ARN and the data and output URIs', () => {
    const stack = synth();
    const [job] = resourcesOf(stack, 'aws_bedrock_custom_model');
    expect(job).toMatchObject({
      custom_model_name: 'fm-dev-nova-lite-support-ft-0a1b2c3d',
      job_name: 'fm-dev-nova-lite-support-ft-0a1b2c3d',
      base_model_identifier: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k',
      customization_type: 'FINE_TUNING',
      hyperparameters: { epochCount: '2', batchSize: '1' },
      training_data_config: [{ s3_uri: 's3://training-111111111111/support/train.jsonl' }],
      validation_data_config: [{ validator: [{ s3_uri: 's3://training-111111111111/support/validation.jsonl' }] }],
      output_data_config: [{ s3_uri: 's3://training-111111111111/support/output/' }],
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.CustomModel_ServiceRole_\w+\.arn\}$/),
    });
    // A new training starts while the model it replaces keeps serving.
    expect(job.lifecycle).toEqual({ create_before_destroy: true });
    // The role's permissions exist before the job starts.
    expect(job.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\.CustomModel_ServiceRolePolicy_/)]);
  });

  it("serves the job's model through Provisioned Throughput with no commitment, only once the job completed", () => {
    const stack = synth();
    const [throughput] = resourcesOf(stack, 'aws_bedrock_provisioned_model_throughput');
    expect(throughput).toMatchObject({
      provisioned_model_name: 'fm-dev-nova-lite-support-ft',
      model_units: 1,
      model_arn: expect.stringMatching(/^\$\{aws_bedrock_custom_model\.CustomModel_\w+\.custom_model_arn\}$/),
    });
    expect(throughput).not.toHaveProperty('commitment_duration');
    const lifecycle = throughput.lifecycle as {
      create_before_destroy: boolean;
      precondition: { condition: string; error_message: string }[];
    };
    expect(lifecycle.create_before_destroy).toBe(true);
    expect(lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(
          /^\$\{\(?aws_bedrock_custom_model\.CustomModel_\w+\.job_status == "Completed"\)?\}$/,
        ),
        error_message: expect.stringContaining(
          'not Completed, so there is no model for fm-dev-nova-lite-support-ft to serve yet: apply again once it has completed (aws bedrock get-model-customization-job --job-identifier fm-dev-nova-lite-support-ft-0a1b2c3d)',
        ),
      },
    ]);
  });

  it('trusts only Bedrock customization jobs of its account and Region, and reads only its data and writes only its output', () => {
    const statements = policyStatements(synth());
    const trust = statements.find((s) => s.document.startsWith('CustomModel_ServiceTrust'));
    expect(trust?.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
      {
        test: 'ArnLike',
        variable: 'aws:SourceArn',
        values: ['arn:aws:bedrock:us-east-1:111111111111:model-customization-job/*'],
      },
    ]);
    const data = statements.filter((s) => s.document.startsWith('CustomModel_ServiceRolePolicy'));
    expect(data.map((s) => [s.sid, s.actions, s.resources, s.condition?.[0]?.values])).toEqual([
      [
        'ReadTrainingData',
        ['s3:GetObject'],
        [
          'arn:aws:s3:::training-111111111111/support/train.jsonl',
          'arn:aws:s3:::training-111111111111/support/validation.jsonl',
        ],
        undefined,
      ],
      [
        'ListTrainingData',
        ['s3:ListBucket'],
        ['arn:aws:s3:::training-111111111111'],
        ['support/train.jsonl', 'support/train.jsonl*'],
      ],
      [
        'ListValidationData',
        ['s3:ListBucket'],
        ['arn:aws:s3:::training-111111111111'],
        ['support/validation.jsonl', 'support/validation.jsonl*'],
      ],
      [
        'WriteOutput',
        ['s3:GetObject', 's3:PutObject'],
        ['arn:aws:s3:::training-111111111111/support/output/*'],
        undefined,
      ],
      [
        'ListOutput',
        ['s3:ListBucket'],
        ['arn:aws:s3:::training-111111111111'],
        ['support/output/', 'support/output/*'],
      ],
    ]);
    expect(data.flatMap((s) => s.resources).some((r) => r.endsWith(':::training-111111111111/*'))).toBe(false);
  });

  it('lets a role invoke exactly the provisioned model ARN, no wildcard', () => {
    const grant = policyStatements(synth()).find((s) => s.sid === 'InvokeProvisionedModel');
    expect(grant?.actions).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    expect(grant?.resources).toEqual([
      expect.stringMatching(
        /^\$\{aws_bedrock_provisioned_model_throughput\.CustomModel_Throughput_\w+\.provisioned_model_arn\}$/,
      ),
    ]);
  });

  it('references a custom model made outside: no job, no service role, a commitment when asked', () => {
    const stack = synth({
      ...JOB,
      customModel: { customModelArn: OUTSIDE_ARN },
      commitmentDuration: 'OneMonth',
      modelUnits: 2,
    });
    expect(resourcesOf(stack, 'aws_bedrock_custom_model')).toEqual([]);
    expect(resourcesOf(stack, 'aws_iam_role').map((r) => r.name)).toEqual(['router']);
    const [throughput] = resourcesOf(stack, 'aws_bedrock_provisioned_model_throughput');
    expect(throughput).toMatchObject({ model_arn: OUTSIDE_ARN, model_units: 2, commitment_duration: 'OneMonth' });
    // Replaced before it is deleted, with no job to wait for.
    expect(throughput.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('fails on model units, names and ARNs Bedrock refuses, naming each', () => {
    expect(() => build({ ...JOB, modelUnits: 0, provisionedModelName: 'fm/dev' })).toThrow(
      'ProvisionedCustomModel at test/CustomModel: model units must be a whole number of 1 or more, but 0 was provided; provisioned model, job and custom model names must be 1 to 63 letters and digits, each optionally followed by one underscore or hyphen, but fm/dev was provided',
    );
    expect(() =>
      build({
        ...JOB,
        customModel: { customModelArn: 'arn:aws:bedrock:us-east-1:111111111111:provisioned-model/abc' },
      }),
    ).toThrow(
      'custom model must be a custom-model arn, but arn:aws:bedrock:us-east-1:111111111111:provisioned-model/abc was provided',
    );
  });

  it('lets the deploy role manage jobs, custom models and throughputs only in its Region and account, and pass roles to Bedrock', () => {
    const statements = deployStatements(
      {
        types: ['aws_bedrock_custom_model', 'aws_bedrock_provisioned_model_throughput', 'aws_iam_role'],
        roleArns: ['arn:aws:iam::111111111111:role/fm-dev-nova-lite-support-ft-customization'],
      },
      { environment: 'dev', account: '111111111111', region: 'us-east-1', regions: ['us-east-1'], prefix: 'fm-dev' },
    );
    const custom = statements.find((s) => s.sid === 'BedrockCustomModels');
    expect(custom?.actions).toEqual(
      expect.arrayContaining([
        'bedrock:CreateModelCustomizationJob',
        'bedrock:CreateProvisionedModelThroughput',
        'bedrock:DeleteProvisionedModelThroughput',
      ]),
    );
    expect([...(custom?.resources ?? [])].sort()).toEqual([
      'arn:aws:bedrock:us-east-1:111111111111:custom-model/*',
      'arn:aws:bedrock:us-east-1:111111111111:model-customization-job/*',
      'arn:aws:bedrock:us-east-1:111111111111:provisioned-model/*',
      'arn:aws:bedrock:us-east-1::foundation-model/*',
    ]);
    expect(statements.find((s) => s.sid === 'PassOwnRoles')?.conditions).toEqual([
      { test: 'StringEquals', variable: 'iam:PassedToService', values: ['bedrock.amazonaws.com'] },
    ]);
  });

  it("passes terraform validate and an offline plan with the 5.100.0 provider, the throughput's ARN known after apply", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'custom');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const router = new IamRole(stack, 'Router', {
      name: 'router',
      assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}',
    });
    new ProvisionedCustomModel(stack, 'Trained', JOB).grantInvoke(router);
    new ProvisionedCustomModel(stack, 'Outside', {
      ...JOB,
      provisionedModelName: 'fm-dev-outside',
      customModel: { customModelArn: OUTSIDE_ARN },
    }).grantInvoke(router);
    const dir = tempDir('fm-custom-model-plan-');
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
      resource_changes: {
        type: string;
        change: { actions: string[]; after: Record<string, unknown>; after_unknown: Record<string, unknown> };
      }[];
    };
    const of = (type: string) => plan.resource_changes.filter((c) => c.type === type);
    expect(of('aws_bedrock_custom_model').map((c) => c.change.actions)).toEqual([['create']]);
    const throughputs = of('aws_bedrock_provisioned_model_throughput');
    expect(throughputs.map((c) => c.change.after.provisioned_model_name).sort()).toEqual([
      'fm-dev-nova-lite-support-ft',
      'fm-dev-outside',
    ]);
    for (const t of throughputs) expect(t.change.after_unknown.provisioned_model_arn).toBe(true);
  }, 180_000);
});
