import { CircuitTable } from '../../../modules/circuit-table/circuit-table';
import { propsFailure, testStack } from '../../support/props';

describe('CircuitTable rules', () => {
  it('fails if the table name is shorter than 3 characters', () => {
    const make = () =>
      new CircuitTable(testStack(), 'Circuits', {
        tableName: 'ab',
        kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/abc',
        region: 'us-east-1',
      });
    expect(propsFailure(make).message).toBe(
      'CircuitTable at stack/Circuits: table name must be 3 to 255 letters, digits, underscores, hyphens and dots, but ab was provided',
    );
  });
});
