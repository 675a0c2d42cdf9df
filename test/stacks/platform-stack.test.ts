import { loadProject } from '../../catalog';
import { policyStatements, resourcesOf, synthEnvironment } from './synth-environment';

/** A prod function's ARN. */
const lambda = (name: string) =>
  `arn:aws:lambda:us-east-1:${loadProject({ only: ['prod'] }).plans[0].account}:function:${name}`;

describe('PlatformStack', () => {
  const environments = loadProject().plans.map((p) => p.name);

  it('synthesizes every environment of the shipped catalog', () => {
    expect(environments).toEqual(expect.arrayContaining(['dev', 'staging', 'prod']));
    for (const name of environments) {
      const stack = synthEnvironment(name);
      // The router, its streaming twin behind a RESPONSE_STREAM function URL, and the key authorizer.
      expect(resourcesOf(stack, 'aws_lambda_function').map((f) => f.function_name)).toEqual(
        expect.arrayContaining([`fm-${name}-router`, `fm-${name}-router-stream`, `fm-${name}-authorizer`]),
      );
      // The router, its streaming twin, the authorizer, and prod's DR deployment function.
      expect(resourcesOf(stack, 'aws_lambda_function')).toHaveLength(name === 'prod' ? 4 : 3);
      expect(resourcesOf(stack, 'aws_lambda_function_url')).toEqual([
        expect.objectContaining({ invoke_mode: 'RESPONSE_STREAM', authorization_type: 'AWS_IAM' }),
      ]);
      expect(resourcesOf(stack, 'aws_api_gateway_rest_api')).toHaveLength(1);
      // The circuit table, the response cache (classify caches in every environment), the deployments
      // table where a registry-driven model has an endpoint (its deployment pipeline's records), and the
      // spend ledger where some consumer has limits.
      const limited = loadProject({ only: [name] }).plans[0].api.consumers.some((c) => (c.limits ?? []).length > 0);
      expect(
        resourcesOf(stack, 'aws_dynamodb_table')
          .map((t) => String(t.name))
          .sort(),
      ).toEqual(
        [
          `fm-${name}-cache`,
          `fm-${name}-circuits`,
          ...(name === 'dev' ? [] : [`fm-${name}-deployments`]),
          ...(limited ? [`fm-${name}-spend`] : []),
        ].sort(),
      );
      expect(resourcesOf(stack, 'aws_appconfig_deployment')).toHaveLength(1);
      expect(Object.keys(stack.output)).toEqual(
        expect.arrayContaining([
          'api_endpoint_url',
          'router_function_name',
          'circuit_table_name',
          'appconfig_application_id',
        ]),
      );
    }
  });

  it('does not create the account-wide API Gateway CloudWatch role', () => {
    expect(resourcesOf(synthEnvironment('prod'), 'aws_api_gateway_account')).toHaveLength(0);
  });

  it('gives each environment a rotated key with the alias alias/fm-<env>', () => {
    const stack = synthEnvironment('staging');
    expect(resourcesOf(stack, 'aws_kms_key')[0]).toMatchObject({ enable_key_rotation: true });
    expect(resourcesOf(stack, 'aws_kms_alias')[0]).toMatchObject({ name: 'alias/fm-staging' });
  });

  it.each(['dev', 'staging', 'prod'])(
    'lets CloudWatch Logs use the %s key for exactly the log groups the stack declares, each keyed and retained',
    (env) => {
      const stack = synthEnvironment(env);
      const plan = loadProject({ only: [env] }).plans[0];
      // The environment key's statement (a DR Region's key is judged below).
      const logs = policyStatements(stack).find(
        (s) => s.sid === 'CloudWatchLogsUse' && !s.document.startsWith('DisasterRecovery-'),
      );
      expect(logs?.condition).toHaveLength(1);
      expect(logs?.condition?.[0]).toMatchObject({ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn' });
      const allowed = logs?.condition?.[0].values ?? [];
      expect(allowed.filter((arn) => arn.includes('*'))).toEqual([]);
      const all = resourcesOf(stack, 'aws_cloudwatch_log_group') as {
        name: string;
        kms_key_id: string;
        retention_in_days: number;
        provider?: string;
      }[];
      const groups = all.filter((g) => g.provider === undefined);
      const arn = (name: string) => `arn:aws:logs:${plan.region}:${plan.account}:log-group:${name}`;
      expect(groups.map((g) => arn(g.name)).sort()).toEqual([...allowed].sort());
      for (const g of groups) {
        expect(g.kms_key_id).toMatch(/^\$\{aws_kms_key\.[^}]+\.arn\}$/);
        expect(g.retention_in_days).toBe(plan.logs.retentionDays);
      }
      // The groups services would otherwise create themselves, with neither key nor retention.
      const names = groups.map((g) => g.name);
      expect(names.some((n) => n.startsWith('API-Gateway-Execution-Logs_'))).toBe(true);
      for (const e of resourcesOf(stack, 'aws_sagemaker_endpoint').filter((r) => r.provider === undefined))
        expect(names).toContain(`/aws/sagemaker/Endpoints/${String(e.name)}`);
      // A DR Region's log groups: keyed and retained there, by that Region's key, which names exactly them.
      for (const region of plan.models.flatMap((m) =>
        m.hosting.type === 'sagemaker' && m.hosting.disasterRecovery ? [m.hosting.disasterRecovery.region] : [],
      )) {
        const drLogs = policyStatements(stack).find(
          (s) => s.sid === 'CloudWatchLogsUse' && s.document.startsWith(`DisasterRecovery-${region}_Key`),
        );
        const drGroups = all.filter((g) => g.provider === `aws.${region}`);
        expect(drGroups.length).toBeGreaterThan(0);
        expect(drGroups.map((g) => `arn:aws:logs:${region}:${plan.account}:log-group:${g.name}`).sort()).toEqual(
          [...(drLogs?.condition?.[0].values ?? [])].sort(),
        );
        for (const g of drGroups) {
          expect(g.kms_key_id).toMatch(/^\$\{aws_kms_key\.DisasterRecovery-[^}]+\.arn\}$/);
          expect(g.retention_in_days).toBe(plan.logs.retentionDays);
        }
      }
    },
  );

  it("puts prod's SageMaker DR endpoint in us-west-2 with its own role reading the replica, and lets the router invoke it", () => {
    const stack = synthEnvironment('prod');
    const onDr = (type: string) => resourcesOf(stack, type).filter((r) => r.provider === 'aws.us-west-2');
    expect(onDr('aws_sagemaker_endpoint')).toEqual([
      expect.objectContaining({ name: 'fm-prod-llama-3-8b-support-lora-dr' }),
    ]);
    expect(onDr('aws_iam_role')).toEqual([
      expect.objectContaining({ name: 'fm-prod-llama-3-8b-support-lora-dr-exec' }),
    ]);
    expect(onDr('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name)).toEqual([
      'fm-prod-llama-3-8b-support-lora-dr-5xx',
      'fm-prod-llama-3-8b-support-lora-dr-model-latency-p99',
    ]);
    expect(onDr('aws_kms_key')).toHaveLength(1);
    const drRead = policyStatements(stack).find(
      (s) => s.sid === 'ReadOwnArtifacts' && s.document.startsWith('DisasterRecovery-us-west-2'),
    );
    expect(drRead?.resources).toEqual([
      'arn:aws:s3:::fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/*',
      'arn:aws:s3:::fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/adapters/billing-faq/*',
      'arn:aws:s3:::fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/adapters/support-tone/*',
    ]);
    const invoke = policyStatements(stack).filter((s) => s.actions.includes('sagemaker:InvokeEndpoint'));
    expect(invoke.flatMap((s) => s.resources)).toContainEqual(
      expect.stringMatching(
        /^\$\{aws_sagemaker_endpoint\.DisasterRecovery-us-west-2_Endpoint-llama-3-8b-support-lora_[0-9A-F]+\.arn\}$/,
      ),
    );
    expect(invoke.flatMap((s) => s.resources).every((r) => !r.includes('*'))).toBe(true);
    expect(stack.output).toHaveProperty('sagemaker_dr_endpoint_names');
  });

  it("conditions the router's kms:Decrypt on Lambda, and the AppConfig monitor role's trust on the account", () => {
    const stack = synthEnvironment('prod');
    const statements = policyStatements(stack);
    const decrypt = statements.filter((s) => s.actions.includes('kms:Decrypt'));
    expect(decrypt.length).toBeGreaterThan(0);
    // Every kms:Decrypt a role holds is bound to a service (Lambda, DynamoDB) or an encryption context.
    for (const s of decrypt.filter((x) => x.sid !== undefined))
      expect(s.condition?.map((c) => c.variable)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^kms:(ViaService|EncryptionContext:)/)]),
      );
    expect(statements.find((s) => s.sid === 'DecryptWithEnvironmentKey')?.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['lambda.us-east-1.amazonaws.com'] },
    ]);
    expect(statements.map((s) => s.sid)).not.toContain('LogGroupKey');
    const trust = Object.entries(stack.data.aws_iam_policy_document).find(([id]) =>
      id.includes('MonitorTrust'),
    )?.[1] as {
      statement: { condition?: { variable: string; values: string[] }[] }[];
    };
    expect(trust.statement[0].condition).toEqual([
      { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['333333333333'] },
    ]);
  });

  it('associates a WAF web ACL only where the environment enables it', () => {
    const prod = synthEnvironment('prod');
    const acl = resourcesOf(prod, 'aws_wafv2_web_acl')[0] as {
      rule: { statement: Record<string, { limit?: number; name?: string }> }[];
    };
    expect(acl.rule.map((r) => Object.keys(r.statement)[0])).toEqual([
      'rate_based_statement',
      'rate_based_statement',
      'rate_based_statement',
      'managed_rule_group_statement',
      'and_statement',
    ]);
    // Sized from prod's throttles (stage 500/s burst 1000, largest consumer 200/s burst 400): test/modules/api/web-acl.test.ts.
    // Per IP, then per key in x-api-key and per key in Authorization (bearer keys).
    expect(acl.rule[0].statement.rate_based_statement.limit).toBe(151_000);
    expect(acl.rule[1].statement.rate_based_statement.limit).toBe(60_400);
    expect(acl.rule[2].statement.rate_based_statement.limit).toBe(60_400);
    expect(acl.rule[3].statement.managed_rule_group_statement.name).toBe('AWSManagedRulesCommonRuleSet');
    expect(resourcesOf(prod, 'aws_wafv2_web_acl_association')).toHaveLength(1);
    expect(resourcesOf(synthEnvironment('dev'), 'aws_wafv2_web_acl')).toHaveLength(0);
  });

  it('alarms on API 5xx, router errors and throttles, fallback rate and p99 latency, and draws a dashboard', () => {
    const stack = synthEnvironment('prod');
    const names = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'fm-prod-api-5xx-rate',
        'fm-prod-router-errors',
        'fm-prod-router-throttles',
        'fm-prod-fallback-rate',
        'fm-prod-api-latency-p99',
        'fm-prod-routing-table-rejected',
      ]),
    );
    const fallback = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').find(
      (a) => a.alarm_name === 'fm-prod-fallback-rate',
    ) as {
      metric_query: {
        id: string;
        metric?: { namespace: string; metric_name: string; dimensions: Record<string, string> };
      }[];
    };
    expect(fallback.metric_query.find((q) => q.id === 'fallbacks')?.metric).toMatchObject({
      namespace: 'FmPlatform',
      metric_name: 'Fallbacks',
      dimensions: { Environment: 'prod' },
    });
    expect(resourcesOf(stack, 'aws_cloudwatch_dashboard')).toHaveLength(1);
  });

  it('sets the router timeout a little above the slowest route budget, within 29 seconds', () => {
    const fn = resourcesOf(synthEnvironment('prod'), 'aws_lambda_function').find(
      (f) => f.function_name === 'fm-prod-router',
    );
    expect(fn?.timeout).toBe(28); // prod's slowest route (code) has a 27 s budget
  });

  it('takes bearer keys through the key authorizer on every method, its usage identifier feeding the usage plans', () => {
    const stack = synthEnvironment('prod');
    const plan = loadProject({ only: ['prod'] }).plans[0];
    const [api] = resourcesOf(stack, 'aws_api_gateway_rest_api') as { api_key_source: string; body: string }[];
    expect(api.api_key_source).toBe('AUTHORIZER');
    // The authorizer, the methods and the refusals are the API's OpenAPI body (modules/api/openapi.ts).
    const doc = JSON.parse(api.body) as {
      paths: Record<string, Record<string, { security?: unknown; 'x-amazon-apigateway-auth'?: unknown }>>;
      components: { securitySchemes: Record<string, Record<string, unknown>> };
      'x-amazon-apigateway-api-key-source': string;
      'x-amazon-apigateway-gateway-responses': Record<
        string,
        { statusCode: string; responseTemplates: Record<string, string> }
      >;
    };
    expect(resourcesOf(stack, 'aws_api_gateway_authorizer')).toHaveLength(0);
    expect(doc['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    expect(doc.components.securitySchemes['api-key-authorizer']).toEqual({
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${lambda('fm-prod-authorizer')}/invocations`,
        identitySource: 'context.requestId',
        authorizerResultTtlInSeconds: 0,
      },
    });
    const methods = Object.values(doc.paths).flatMap((m) => Object.values(m));
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      expect(m.security).toEqual([{ 'api-key-authorizer': [], api_key: [] }]);
      expect(m['x-amazon-apigateway-auth']).toBeUndefined();
    }
    // OpenAI-shaped refusals.
    const responses = doc['x-amazon-apigateway-gateway-responses'];
    expect(
      Object.entries(responses)
        .map(([type, r]) => [type, r.statusCode])
        .sort(),
    ).toEqual([
      ['ACCESS_DENIED', '403'],
      ['UNAUTHORIZED', '401'],
    ]);
    for (const r of Object.values(responses)) {
      const body = JSON.parse(r.responseTemplates['application/json']) as { error: Record<string, unknown> };
      expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
    }
    // The authorizer knows each consumer's hashes and its API key value by reference, never a key.
    const fn = resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === 'fm-prod-authorizer') as {
      environment: { variables: Record<string, string> };
      kms_key_arn: string;
    };
    const consumers = JSON.parse(fn.environment.variables.FM_AUTH_CONSUMERS) as { name: string; usageKey: string }[];
    expect(consumers.map((c) => c.name)).toEqual(plan.api.consumers.map((c) => c.name));
    for (const c of consumers) expect(c.usageKey).toMatch(/^\$\{aws_api_gateway_api_key\.[^}]+\.value\}$/);
    expect(fn.kms_key_arn).toMatch(/^\$\{aws_kms_key\./);
    // Its role writes its own log group only, and decrypts its environment through Lambda only.
    const own = policyStatements(stack).filter((s) => s.document.includes('KeyAuthorizer') && s.sid !== undefined);
    expect(own.map((s) => [s.sid, s.actions, s.resources.length])).toEqual([
      ['OwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], 1],
    ]);
    expect(own[0].resources[0]).toMatch(/^\$\{aws_cloudwatch_log_group\.Api_KeyAuthorizer_LogGroup_[^}]+\.arn\}:\*$/);
    expect(
      resourcesOf(stack, 'aws_iam_role_policy').filter(
        (p) => p.name === 'environment-key-decrypt' && String(p.role).includes('Api_KeyAuthorizer_Role'),
      ),
    ).toHaveLength(1);
    // API Gateway may invoke it as this API's authorizer only.
    const permission = resourcesOf(stack, 'aws_lambda_permission').find(
      (p) => p.statement_id === 'AllowApiGatewayAuthorizer',
    );
    expect(permission?.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.[^}]+\.execution_arn\}\/authorizers\/\*$/);
  });

  it('streams bearer-key chat completions and converse-stream through the REST API: STREAM integrations on the streaming twin', () => {
    const stack = synthEnvironment('prod');
    const [api] = resourcesOf(stack, 'aws_api_gateway_rest_api') as { body: string }[];
    const doc = JSON.parse(api.body) as {
      paths: Record<string, Record<string, { 'x-amazon-apigateway-integration': Record<string, unknown> }>>;
    };
    const integration = (path: string) => doc.paths[path].post['x-amazon-apigateway-integration'];
    const twin = resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === 'fm-prod-router-stream');
    expect(twin?.handler).toBe('index.streamingHandler');
    // By the ARN the names give (known at plan time; the API need not wait for the functions).
    for (const path of ['/v1/chat/completions', '/v1/routes/{route}/converse-stream'])
      expect(integration(path)).toMatchObject({
        type: 'aws_proxy',
        responseTransferMode: 'STREAM',
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/${lambda('fm-prod-router-stream')}/response-streaming-invocations`,
      });
    expect(integration('/v1/routes/{route}/converse')).toMatchObject({
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${lambda('fm-prod-router')}/invocations`,
    });
    expect(integration('/v1/routes/{route}/converse').responseTransferMode).toBeUndefined();
  });

  it('names the circuit table by its ARN in every DynamoDB task of every workflow', () => {
    type AslState = {
      Resource?: string;
      Parameters?: { TableName?: string };
      ItemProcessor?: { States: Record<string, AslState> };
    };
    const everyState = (states: Record<string, AslState>): AslState[] =>
      Object.values(states).flatMap((s) => [s, ...(s.ItemProcessor ? everyState(s.ItemProcessor.States) : [])]);
    const stack = synthEnvironment('prod');
    const table = Object.keys(stack.resource.aws_dynamodb_table).find((id) => id.startsWith('CircuitTable'));
    const all = resourcesOf(stack, 'aws_sfn_state_machine') as { definition: string; type: string }[];
    // The resilience workflows (Express) read circuits; the model deployment pipelines (Standard) their own table.
    const machines = all.filter((m) => m.type === 'EXPRESS');
    const deployments = Object.keys(stack.resource.aws_dynamodb_table).find((id) => id.includes('ModelDeployments'));
    for (const m of all.filter((x) => x.type === 'STANDARD'))
      expect(
        Object.values((JSON.parse(m.definition) as { States: Record<string, AslState> }).States)
          .filter((st) => st.Resource === 'arn:aws:states:::dynamodb:putItem')
          .map((st) => st.Parameters?.TableName),
        // One record per endpoint the pipeline moves: prod's primary and its DR endpoint, both in the one table.
      ).toEqual([`\${aws_dynamodb_table.${deployments}.arn}`, `\${aws_dynamodb_table.${deployments}.arn}`]);
    const dynamo = machines
      .flatMap((m) => everyState((JSON.parse(m.definition) as { States: Record<string, AslState> }).States))
      .filter((s) => s.Resource?.startsWith('arn:aws:states:::dynamodb:'));
    expect(machines.length).toBeGreaterThan(1);
    expect(dynamo.length).toBeGreaterThan(machines.length);
    for (const t of dynamo) expect(t.Parameters?.TableName).toBe(`\${aws_dynamodb_table.${table}.arn}`);
  });
  it('makes a cache table only where a route caches, and lets the router only get and put its items', () => {
    const stack = synthEnvironment('prod');
    const tables = resourcesOf(stack, 'aws_dynamodb_table');
    const cache = tables.find((t) => t.name === 'fm-prod-cache');
    expect(cache).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: false },
      server_side_encryption: { enabled: true },
    });
    const cacheId = Object.entries(stack.resource.aws_dynamodb_table).find(([, t]) => t.name === 'fm-prod-cache')?.[0];
    const grant = policyStatements(stack).find((s) => s.sid === 'CachedAnswers');
    expect(grant?.actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(grant?.resources).toEqual([`\${aws_dynamodb_table.${cacheId}.arn}`]);
    const fn = resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === 'fm-prod-router') as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.FM_CACHE_TABLE).toBe(`\${aws_dynamodb_table.${cacheId}.name}`);
    // Without a caching route: no table, no grant, an empty variable.
    const none = synthEnvironment('prod', (plan) => ({
      ...plan,
      routes: plan.routes.map(({ cache: _cache, ...r }) => r),
    }));
    expect(resourcesOf(none, 'aws_dynamodb_table').map((t) => t.name)).not.toContain('fm-prod-cache');
    expect(policyStatements(none).map((s) => s.sid)).not.toContain('CachedAnswers');
  });

  it('makes a spend ledger only where a consumer has limits, lets the router only get and update its items, and passes its name', () => {
    const stack = synthEnvironment('prod');
    const [id, ledger] =
      Object.entries(stack.resource.aws_dynamodb_table).find(([, t]) => t.name === 'fm-prod-spend') ?? [];
    expect(ledger).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\./) as unknown },
    });
    const statements = policyStatements(stack);
    const grant = statements.find((s) => s.sid === 'LedgerItems');
    expect(grant?.actions).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(grant?.resources).toEqual([`\${aws_dynamodb_table.${id}.arn}`]);
    expect(statements.find((s) => s.sid === 'LedgerTableKey')?.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['dynamodb.us-east-1.amazonaws.com'] },
    ]);
    // No statement anywhere grants DynamoDB on the ledger beyond that one.
    const onLedger = statements.filter((s) => s.resources.some((r) => r.includes(`aws_dynamodb_table.${id}.`)));
    expect(onLedger.map((s) => s.sid)).toEqual(['LedgerItems']);
    const fn = resourcesOf(stack, 'aws_lambda_function').find((f) => f.function_name === 'fm-prod-router') as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.FM_SPEND_TABLE).toBe(`\${aws_dynamodb_table.${id}.name}`);
    const staging = synthEnvironment('staging');
    expect(resourcesOf(staging, 'aws_dynamodb_table').map((t) => t.name)).not.toContain('fm-staging-spend');
    expect(policyStatements(staging).map((s) => s.sid)).not.toContain('LedgerItems');
  });

  it("alarms on each consumer's month-to-date spend at its budget's soft threshold, and shows spend per consumer", () => {
    const stack = synthEnvironment('prod');
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').filter((a) =>
      String(a.alarm_name).startsWith('fm-prod-budget-'),
    );
    expect(alarms.sort((x, y) => String(x.alarm_name).localeCompare(String(y.alarm_name)))).toEqual([
      expect.objectContaining({ alarm_name: 'fm-prod-budget-batch-analytics', threshold: 2500 }),
      expect.objectContaining({
        alarm_name: 'fm-prod-budget-support-desk',
        namespace: 'FmPlatform',
        metric_name: 'ConsumerSpendUsd',
        dimensions: { Environment: 'prod', Consumer: 'support-desk' },
        statistic: 'Maximum',
        threshold: 5600,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        treat_missing_data: 'ignore',
      }),
    ]);
    const body = JSON.parse(String(resourcesOf(stack, 'aws_cloudwatch_dashboard')[0].dashboard_body)) as {
      widgets: { properties: { title?: string; metrics?: unknown[][] } }[];
    };
    const spend = body.widgets.find((w) => w.properties.title?.startsWith('Spend per consumer'));
    expect(spend?.properties.metrics?.map((m) => m.slice(0, 6))).toEqual(
      ['web-app', 'support-desk', 'batch-analytics'].map((c) => [
        'FmPlatform',
        'ConsumerCostUsd',
        'Environment',
        'prod',
        'Consumer',
        c,
      ]),
    );
  });
});
