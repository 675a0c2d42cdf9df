import { Testing } from 'cdktf';
import { PlatformDashboard, type PlatformDashboardProps } from '../../../modules/monitoring/dashboard';
import { parseSynth } from '../../stacks/synth-environment';

const props: PlatformDashboardProps = {
  dashboardName: 'fm-test',
  region: 'us-east-1',
  environment: 'test',
  routes: ['chat'],
  apiName: 'fm-test-api',
  stageName: 'v1',
  functionName: 'fm-test-router',
};
const widgetTitles = (p: PlatformDashboardProps) => {
  const dashboard = Object.values(
    parseSynth(Testing.synthScope((scope) => void new PlatformDashboard(scope, 'Dashboard', p))).resource
      .aws_cloudwatch_dashboard,
  )[0] as { dashboard_body: string };
  return (
    JSON.parse(dashboard.dashboard_body) as { widgets: { type: string; properties: { title: string } }[] }
  ).widgets.map((w) => `${w.type}: ${w.properties.title}`);
};

describe('PlatformDashboard', () => {
  it('shows no endpoint or alarm widget unless given endpoints and alarms', () => {
    const titles = widgetTitles(props);
    expect(titles).toHaveLength(7);
    expect(titles).toContain('metric: Server errors (5xx) by route and reason');
    expect(titles.some((t) => t.startsWith('alarm:') || t.includes('model latency'))).toBe(false);
    expect(
      widgetTitles({
        ...props,
        endpointNames: ['fm-test-llama'],
        alarmArns: ['arn:aws:cloudwatch:us-east-1:111111111111:alarm:a'],
      }),
    ).toEqual([...titles, 'metric: fm-test-llama: invocations, 5xx, model latency p99', 'alarm: Alarms']);
  });
});
