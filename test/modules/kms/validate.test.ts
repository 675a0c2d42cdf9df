import { EnvironmentKey, type EnvironmentKeyProps } from '../../../modules/kms/environment-key';
import { propsFailure, testStack } from '../../support/props';

const props: EnvironmentKeyProps = { environment: 'test', account: '111111111111', region: 'us-east-1' };
const make = (change: Partial<EnvironmentKeyProps>) => () =>
  new EnvironmentKey(testStack(), 'Key', { ...props, ...change });

describe('EnvironmentKey rules', () => {
  it.each<[string, Partial<EnvironmentKeyProps>, string]>([
    [
      'the environment name has a space',
      { environment: 'my env' },
      'environment must be letters, digits, hyphens and underscores (it names the alias alias/fm-<environment>), but my env was provided',
    ],
    [
      'the deletion window is under 7 days',
      { deletionWindowDays: 6 },
      'deletion window must be 7 to 30 days, but 6 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`EnvironmentKey at stack/Key: ${message}`);
  });
});
