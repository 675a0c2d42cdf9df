import { BudgetAlarms } from '../../../modules/monitoring/budget-alarms';
import { PlatformDashboard, type PlatformDashboardProps } from '../../../modules/monitoring/dashboard';
import { PlatformAlarms, type PlatformAlarmsProps } from '../../../modules/monitoring/platform-alarms';
import { propsFailure, testStack } from '../../support/props';

const alarms: PlatformAlarmsProps = {
  namePrefix: 'fm-test',
  environment: 'test',
  apiName: 'fm-test-api',
  stageName: 'v1',
  functionName: 'fm-test-router',
  p99LatencyMs: 20000,
};
const dashboard: PlatformDashboardProps = {
  dashboardName: 'fm-test',
  region: 'us-east-1',
  environment: 'test',
  routes: ['chat'],
  apiName: 'fm-test-api',
  stageName: 'v1',
  functionName: 'fm-test-router',
};

describe('PlatformAlarms rules', () => {
  const make = (change: Partial<PlatformAlarmsProps>) => () =>
    new PlatformAlarms(testStack(), 'Alarms', { ...alarms, ...change });

  it.each<[string, Partial<PlatformAlarmsProps>, string]>([
    [
      'the 5xx rate is over 100 percent',
      { api5xxRatePercent: 101 },
      'api 5xx rate must be more than 0 and at most 100 percent, but 101 was provided',
    ],
    [
      'the fallback rate is 0',
      { fallbackRatePercent: 0 },
      'fallback rate must be more than 0 and at most 100 percent, but 0 was provided',
    ],
    [
      'the p99 latency threshold is negative',
      { p99LatencyMs: -1 },
      'p99 latency threshold must be more than 0 ms, but -1 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`PlatformAlarms at stack/Alarms: ${message}`);
  });
});

describe('PlatformDashboard rules', () => {
  it('fails if the dashboard name has a slash', () => {
    expect(
      propsFailure(() => new PlatformDashboard(testStack(), 'Dashboard', { ...dashboard, dashboardName: 'fm/test' }))
        .message,
    ).toBe(
      'PlatformDashboard at stack/Dashboard: dashboard name must be 1 to 255 letters, digits, hyphens and underscores, but fm/test was provided',
    );
  });
});

describe('BudgetAlarms rules', () => {
  it('fails if an alarm threshold is above its budget', () => {
    expect(
      propsFailure(
        () =>
          new BudgetAlarms(testStack(), 'Budgets', {
            namePrefix: 'fm-test',
            environment: 'test',
            budgets: [{ consumer: 'team-a', alarmAtUsd: 120, budgetUsd: 100 }],
          }),
      ).message,
    ).toBe(
      'BudgetAlarms at stack/Budgets: a budget alarm threshold must be more than 0 and at most the budget, but 120 of 100 was provided for team-a',
    );
  });
});
