import type { ValidationRule } from '../validation';
import type { ResilienceWorkflowsProps } from './resilience-workflows';

const ROUTE_ID = /^[a-z0-9][a-z0-9-]*$/;

export const RESILIENCE_WORKFLOWS_RULES: readonly ValidationRule<ResilienceWorkflowsProps>[] = [
  {
    fails: (p) => p.routes.length === 0,
    message: () => 'at least one route workflow is required, but none was provided',
  },
  {
    fails: (p) => p.routes.some((r) => !ROUTE_ID.test(r.routeId)),
    message: (p) => `route ids must be kebab-case, but ${p.routes.filter((r) => !ROUTE_ID.test(r.routeId)).map((r) => `"${r.routeId}"`).join(', ')} was provided`,
  },
  {
    fails: (p) => new Set(p.routes.map((r) => r.routeId)).size !== p.routes.length,
    message: (p) => `route ids must be unique, but ${p.routes.map((r) => r.routeId).join(', ')} was provided`,
  },
  {
    fails: (p) => [...p.routes.flatMap((r) => r.bedrockInvocations), ...p.recovery.bedrockInvocations].some((i) => [i.profileArn ?? '', ...i.foundationModelArns].some((a) => a.includes('*'))),
    message: () => 'model arns must be exact, but a wildcard was provided',
  },
  {
    fails: (p) => p.routes.some((r) => r.bedrockInvocations.length === 0 && !r.invokesRouter),
    message: (p) => `every route workflow must call a model, but ${p.routes.filter((r) => r.bedrockInvocations.length === 0 && !r.invokesRouter).map((r) => r.routeId).join(', ')} calls none`,
  },
  {
    fails: (p) => (p.logRetentionDays ?? 30) < 1,
    message: (p) => `log retention must be 1 day or more, but ${p.logRetentionDays} was provided`,
  },
];
