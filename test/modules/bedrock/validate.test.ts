import { BedrockModelAccess, type BedrockModelAccessProps } from '../../../modules/bedrock/model-access';
import { propsFailure, testStack } from '../../support/props';

const props: BedrockModelAccessProps = {
  role: { name: 'router', arn: 'arn:aws:iam::111111111111:role/router' },
  invocations: [{ foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0'] }],
};
const make = (change: Partial<BedrockModelAccessProps>) => () =>
  new BedrockModelAccess(testStack(), 'Access', { ...props, ...change });

describe('BedrockModelAccess rules', () => {
  it.each<[string, Partial<BedrockModelAccessProps>, string]>([
    [
      'an invocation names no foundation model',
      {
        invocations: [
          {
            profileArn: 'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.amazon.nova-micro-v1:0',
            foundationModelArns: [],
          },
        ],
      },
      'every invocation must name at least one foundation-model arn, but 1 with none was provided',
    ],
    [
      'a guardrail arn has a wildcard',
      { guardrailArns: ['arn:aws:bedrock:us-east-1:111111111111:guardrail/*'] },
      'model and guardrail arns must be exact, but arn:aws:bedrock:us-east-1:111111111111:guardrail/* was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`BedrockModelAccess at stack/Access: ${message}`);
  });
});
