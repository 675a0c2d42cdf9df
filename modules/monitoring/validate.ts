import { rule, type PropsRule } from '../validation';
import type { PlatformDashboardProps } from './dashboard';
import type { BudgetAlarmsProps } from './budget-alarms';
import type { PlatformAlarmsProps } from './platform-alarms';

/** Dashboard names (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html). */
const DASHBOARD_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const isPercent = (pct: number) => Number.isFinite(pct) && pct > 0 && pct <= 100;

export const PLATFORM_ALARMS_RULES: readonly PropsRule<PlatformAlarmsProps>[] = [
  rule({
    value: (p) => p.api5xxRatePercent,
    fails: (pct) => !isPercent(pct),
    message: (pct) => `api 5xx rate must be more than 0 and at most 100 percent, but ${pct} was provided`,
  }),
  rule({
    value: (p) => p.fallbackRatePercent,
    fails: (pct) => !isPercent(pct),
    message: (pct) => `fallback rate must be more than 0 and at most 100 percent, but ${pct} was provided`,
  }),
  rule({
    value: (p) => p.p99LatencyMs,
    fails: (ms) => !(Number.isFinite(ms) && ms > 0),
    message: (ms) => `p99 latency threshold must be more than 0 ms, but ${ms} was provided`,
  }),
];

export const BUDGET_ALARMS_RULES: readonly PropsRule<BudgetAlarmsProps>[] = [
  rule({
    value: (p) => p.budgets.find((b) => !(b.alarmAtUsd > 0 && b.alarmAtUsd <= b.budgetUsd)),
    fails: (b) => b !== undefined,
    message: (b) =>
      `a budget alarm threshold must be more than 0 and at most the budget, but ${b?.alarmAtUsd} of ${b?.budgetUsd} was provided for ${b?.consumer}`,
  }),
];

export const PLATFORM_DASHBOARD_RULES: readonly PropsRule<PlatformDashboardProps>[] = [
  rule({
    value: (p) => p.dashboardName,
    fails: (name) => !DASHBOARD_NAME.test(name),
    message: (name) =>
      `dashboard name must be 1 to 255 letters, digits, hyphens and underscores, but ${name} was provided`,
  }),
];
