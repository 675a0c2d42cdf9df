import { Testing } from 'cdktf';
import { EnvironmentKey } from '../../../modules/kms/environment-key';
import { parseSynth } from '../../stacks/synth-environment';

const synth = (deletionWindowDays?: number, logGroups: readonly string[] = ['/aws/lambda/fm-test-router']) =>
  parseSynth(
    Testing.synthScope((scope) => {
      const key = new EnvironmentKey(scope, 'Key', {
        environment: 'test',
        account: '111111111111',
        region: 'us-east-1',
        deletionWindowDays,
      });
      key.allowLogGroups(logGroups);
    }),
  );

describe('EnvironmentKey', () => {
  it('rotates yearly, is named alias/fm-<environment>, and waits 30 days before a deletion unless told otherwise', () => {
    const json = synth();
    expect(Object.values(json.resource.aws_kms_key)[0]).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(Object.values(json.resource.aws_kms_alias)[0]).toMatchObject({ name: 'alias/fm-test' });
    expect(Object.values(synth(7).resource.aws_kms_key)[0]).toMatchObject({ deletion_window_in_days: 7 });
  });

  it('lets CloudWatch Logs use the key for the named log groups only', () => {
    const json = synth(undefined, ['/aws/lambda/fm-test-router', 'API-Gateway-Execution-Logs_abc/live']);
    const statement = (
      Object.values(json.data.aws_iam_policy_document)[0].statement as {
        sid: string;
        condition?: { test: string; variable: string; values: string[] }[];
      }[]
    ).find((x) => x.sid === 'CloudWatchLogsUse');
    expect(statement?.condition).toEqual([
      {
        test: 'ArnEquals',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [
          'arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fm-test-router',
          'arn:aws:logs:us-east-1:111111111111:log-group:API-Gateway-Execution-Logs_abc/live',
        ],
      },
    ]);
  });

  it('fails at synthesis if no log group was named, rather than leave the logs service without the key', () => {
    expect(() => synth(undefined, [])).toThrow('no log group may use the key; the stack must call allowLogGroups');
  });
});
