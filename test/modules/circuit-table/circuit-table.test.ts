import { Testing } from 'cdktf';
import { parseSynth } from '../../stacks/synth-environment';
import { CircuitTable } from '../../../modules/circuit-table/circuit-table';

describe('CircuitTable', () => {
  const json = parseSynth(
    Testing.synthScope((scope) => {
      const table = new CircuitTable(scope, 'Circuits', {
        tableName: 'fm-test-circuits',
        kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/abc',
        region: 'us-east-1',
      });
      table.grantReadWrite({ name: 'router', arn: 'arn:aws:iam::111111111111:role/router' });
    }),
  );

  it('keys circuits by pk, expires them by TTL on expiresAt, with PITR and the environment key', () => {
    expect(Object.values(json.resource.aws_dynamodb_table)[0]).toMatchObject({
      name: 'fm-test-circuits',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      attribute: [{ name: 'pk', type: 'S' }],
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: 'arn:aws:kms:us-east-1:111111111111:key/abc' },
    });
  });

  it('grants read-write as get, put and update on the table only', () => {
    const statements = (
      Object.values(json.data.aws_iam_policy_document)[0] as { statement: { actions: string[]; resources: string[] }[] }
    ).statement;
    expect(statements[0].actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(statements[0].resources).toEqual([
      expect.stringMatching(/^\$\{aws_dynamodb_table\.Circuits_[0-9A-F]+\.arn\}$/),
    ]);
  });
});
