import { loadProject } from '../../catalog';
import { routingTableWithProfiles } from '../../catalog/routing-table';
import { applicationProfileArn, routingTableErrors, type RoutingTable } from '../../contracts/routing-table';

const prod = loadProject({ only: ['prod'] }).plans[0];
const ARN = (id: string) =>
  `arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/${id.padEnd(12, '0')}`;

/** Prod's table as AppConfig gets it, each profile with an ARN of Bedrock's form. */
function deployed(): RoutingTable {
  let n = 0;
  return routingTableWithProfiles(prod.routingTable, prod.applicationProfiles, () => ARN(`a${n++}`));
}

describe("the routing table's application inference profiles", () => {
  it("picks the request consumer's profile, else the route's, else none (call the target id)", () => {
    const route = structuredClone(prod.routingTable.routes.classify);
    route.applicationProfiles = [
      { model: 'claude-haiku-4-5', region: 'us-east-1', arn: ARN('shared') },
      { model: 'claude-haiku-4-5', region: 'us-east-1', consumer: 'web-app', arn: ARN('webapp') },
    ];
    expect(applicationProfileArn(route, 'claude-haiku-4-5', 'us-east-1', 'web-app')).toBe(ARN('webapp'));
    expect(applicationProfileArn(route, 'claude-haiku-4-5', 'us-east-1', 'support-desk')).toBe(ARN('shared'));
    expect(applicationProfileArn(route, 'claude-haiku-4-5', 'us-east-1', undefined)).toBe(ARN('shared'));
    expect(applicationProfileArn(route, 'claude-haiku-4-5', 'us-west-2', 'web-app')).toBeUndefined();
    expect(applicationProfileArn(route, 'nova-micro', 'us-east-1', 'web-app')).toBeUndefined();
    expect(
      applicationProfileArn(prod.routingTable.routes.classify, 'claude-haiku-4-5', 'us-east-1', 'web-app'),
    ).toBeUndefined();
  });

  it('deploys a table that passes the schema and the references', () => {
    expect(routingTableErrors(deployed(), { environment: 'prod' })).toEqual([]);
  });

  it('fails a table whose profile names a model the route does not call, a Region it is not called in, or a bad ARN', () => {
    const table = deployed();
    const profiles = table.routes.classify.applicationProfiles!;
    profiles[0] = { ...profiles[0], model: 'claude-sonnet-4' };
    profiles[1] = { ...profiles[1], region: 'eu-west-1' };
    expect(routingTableErrors(table)).toEqual([
      '/routes/classify/applicationProfiles/0/model names "claude-sonnet-4", which the route does not call',
      '/routes/classify/applicationProfiles/1/region is eu-west-1, where the table does not call "claude-haiku-4-5" (it calls it in us-east-1, us-west-2, us-east-2)',
    ]);
    profiles[0] = {
      model: 'claude-haiku-4-5',
      region: 'us-east-1',
      arn: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    };
    expect(routingTableErrors(table)[0]).toMatch(/^\/routes\/classify\/applicationProfiles\/0\/arn must match pattern/);
  });
});
