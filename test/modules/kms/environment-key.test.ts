import { Testing } from 'cdktf';
import { EnvironmentKey } from '../../../modules/kms/environment-key';
import { parseSynth } from '../../stacks/synth-environment';

const synth = (deletionWindowDays?: number) =>
  parseSynth(
    Testing.synthScope(
      (scope) =>
        void new EnvironmentKey(scope, 'Key', {
          environment: 'test',
          account: '111111111111',
          region: 'us-east-1',
          deletionWindowDays,
        }),
    ),
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
});
