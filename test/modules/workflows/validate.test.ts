import {
  ResilienceWorkflows,
  type ResilienceWorkflowsProps,
  type RouteWorkflow,
} from '../../../modules/workflows/resilience-workflows';
import { propsFailure, testStack } from '../../support/props';

const definitionJson = '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}';
const mistral = {
  foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0'],
};
const route = (routeId: string, change: Partial<RouteWorkflow> = {}): RouteWorkflow => ({
  routeId,
  definitionJson,
  bedrockInvocations: [mistral],
  invokesRouter: false,
  ...change,
});
const props: ResilienceWorkflowsProps = {
  namePrefix: 'fm-prod',
  account: '333333333333',
  region: 'us-east-1',
  routes: [route('chat')],
  recovery: { definitionJson, bedrockInvocations: [mistral] },
  circuitTableArn: 'arn:aws:dynamodb:us-east-1:333333333333:table/fm-prod-circuits',
  routerFunctionArn: 'arn:aws:lambda:us-east-1:333333333333:function:fm-prod-router',
  kmsKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/k',
};
const make = (change: Partial<ResilienceWorkflowsProps>) => () =>
  new ResilienceWorkflows(testStack(), 'Workflows', { ...props, ...change });
const longId = 'a'.repeat(50);

describe('ResilienceWorkflows rules', () => {
  it.each<[string, Partial<ResilienceWorkflowsProps>, string]>([
    ['there is no route', { routes: [] }, 'at least one route workflow is required, but none was provided'],
    [
      'a route id is not kebab-case',
      { routes: [route('Chat_Bot')] },
      'route ids must be kebab-case, but "Chat_Bot" was provided',
    ],
    [
      'two routes share an id',
      { routes: [route('chat'), route('chat')] },
      'route ids must be unique, but chat, chat was provided',
    ],
    [
      'a role name would exceed 64 characters',
      { routes: [route(longId)] },
      `role names (from the name prefix and route ids) must be at most 64 characters, but fm-prod-route-${longId}-role (69) was provided`,
    ],
    [
      'a model arn has a wildcard',
      {
        recovery: {
          definitionJson,
          bedrockInvocations: [{ foundationModelArns: ['arn:aws:bedrock:us-east-1::foundation-model/*'] }],
        },
      },
      'model arns must be exact, but arn:aws:bedrock:us-east-1::foundation-model/* was provided',
    ],
    [
      'a route calls no model',
      { routes: [route('chat', { bedrockInvocations: [] })] },
      'every route workflow must call a model, but chat calls none',
    ],
    [
      'log retention is not a cloudwatch value',
      { logRetentionDays: 366 },
      'log retention must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, but 366 was provided',
    ],
    [
      'the recovery schedule is not an expression',
      { recoverySchedule: 'every minute' },
      'recovery schedule must be a rate(), cron() or at() expression, but every minute was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`ResilienceWorkflows at stack/Workflows: ${message}`);
  });
});
