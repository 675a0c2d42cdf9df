import { CIRCUIT_TRANSITIONS } from '../../contracts/circuit';
import { itemExpirySeconds, readCircuitParameters, transitionParameters } from '../../workflows/circuit-tasks';

const ARN = 'arn:aws:dynamodb:us-east-1:333333333333:table/fm-prod-circuits';

describe('circuit tasks', () => {
  it('reads one item by its key, a literal or a path', () => {
    expect(readCircuitParameters(ARN, { value: 'nova-lite#us-east-1' })).toEqual({
      TableName: ARN,
      Key: { pk: { S: 'nova-lite#us-east-1' } },
    });
    expect(readCircuitParameters(ARN, { path: '$.item.pk' })).toEqual({
      TableName: ARN,
      Key: { pk: { 'S.$': '$.item.pk' } },
    });
  });

  it("writes a transition with the router's expressions and constants, and this workflow's values", () => {
    const t = CIRCUIT_TRANSITIONS.open;
    expect(
      transitionParameters('open', ARN, { value: 'nova-lite#us-east-1' }, { ':now': { 'N.$': '$.clock.now' } }),
    ).toEqual({
      TableName: ARN,
      Key: { pk: { S: 'nova-lite#us-east-1' } },
      UpdateExpression: t.update,
      ConditionExpression: t.condition,
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ...t.constants, ':now': { 'N.$': '$.clock.now' } },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('expires an item an hour and a second after the window and the cooldown, as the router does', () => {
    expect(itemExpirySeconds(60, 30)).toBe(3691);
  });
});
