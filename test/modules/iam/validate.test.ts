import { RolePolicy, type PolicyStatement, type RolePolicyProps } from '../../../modules/iam/role-policy';
import { propsFailure, testStack } from '../../support/props';

const read: PolicyStatement = {
  sid: 'ReadTable',
  actions: ['dynamodb:GetItem'],
  resources: ['arn:aws:dynamodb:us-east-1:111111111111:table/t'],
};
const props: RolePolicyProps = {
  role: { name: 'router', arn: 'arn:aws:iam::111111111111:role/router' },
  policyName: 'read',
  statements: [read],
};
const make = (change: Partial<RolePolicyProps>) => () => new RolePolicy(testStack(), 'Policy', { ...props, ...change });

describe('RolePolicy rules', () => {
  it.each<[string, Partial<RolePolicyProps>, string]>([
    [
      'the policy name has a space',
      { policyName: 'read table' },
      'policy name must be 1 to 128 letters, digits and +=,.@_- characters, but read table was provided',
    ],
    ['there is no statement', { statements: [] }, 'a role policy needs at least one statement, but none was provided'],
    [
      'a statement id has a hyphen',
      { statements: [{ ...read, sid: 'Read-Table' }] },
      'statement ids must be letters and digits, but "Read-Table" was provided',
    ],
    [
      'two statements share an id',
      { statements: [read, { ...read, actions: ['dynamodb:PutItem'] }] },
      'statement ids must be unique in a policy, but ReadTable was provided more than once',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`RolePolicy at stack/Policy: ${message}`);
  });
});
