import { logRetentionRule } from '../logs/retention';
import { eachRule, rule, type PropsRule } from '../validation';
import { workflowNames } from './names';
import type { ResilienceWorkflowsProps } from './resilience-workflows';

const ROUTE_ID = /^[a-z0-9][a-z0-9-]*$/;
/** EventBridge Scheduler's expressions (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). */
const SCHEDULE_EXPRESSION = /^(rate|cron|at)\(.+\)$/;
/** IAM's limit on a role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const MAX_ROLE_NAME = 64;

export const RESILIENCE_WORKFLOWS_RULES: readonly PropsRule<ResilienceWorkflowsProps>[] = [
  rule({
    value: (p) => p.routes.length,
    fails: (n) => n === 0,
    message: () => 'at least one route workflow is required, but none was provided',
  }),
  eachRule({
    each: (p) => p.routes.map((r) => r.routeId),
    fails: (ids) => ids.some((id) => !ROUTE_ID.test(id)),
    message: (ids) =>
      `route ids must be kebab-case, but ${ids
        .filter((id) => !ROUTE_ID.test(id))
        .map((id) => `"${id}"`)
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.routes.map((r) => r.routeId),
    fails: (ids) => new Set(ids).size !== ids.length,
    message: (ids) => `route ids must be unique, but ${ids.join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => workflowNames(p.namePrefix).roles(p.routes.map((r) => r.routeId)),
    fails: (names) => names.some((n) => n.length > MAX_ROLE_NAME),
    message: (names) =>
      `role names (from the name prefix and route ids) must be at most ${MAX_ROLE_NAME} characters, but ${names
        .filter((n) => n.length > MAX_ROLE_NAME)
        .map((n) => `${n} (${n.length})`)
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) =>
      [...p.routes.flatMap((r) => r.bedrockInvocations), ...p.recovery.bedrockInvocations].flatMap((i) => [
        ...(i.profileArn === undefined ? [] : [i.profileArn]),
        ...i.foundationModelArns,
      ]),
    fails: (arns) => arns.some((a) => a.includes('*')),
    message: (arns) => `model arns must be exact, but ${arns.filter((a) => a.includes('*')).join(', ')} was provided`,
  }),
  eachRule({
    each: (p) =>
      p.routes.map((r) => ({ routeId: r.routeId, callsModel: r.bedrockInvocations.length > 0 || r.invokesRouter })),
    fails: (routes) => routes.some((r) => !r.callsModel),
    message: (routes) =>
      `every route workflow must call a model, but ${routes
        .filter((r) => !r.callsModel)
        .map((r) => r.routeId)
        .join(', ')} calls none`,
  }),
  logRetentionRule((p) => p.logRetentionDays),
  rule({
    value: (p) => p.recoverySchedule,
    fails: (expression) => !SCHEDULE_EXPRESSION.test(expression),
    message: (expression) =>
      `recovery schedule must be a rate(), cron() or at() expression, but ${expression} was provided`,
  }),
];
