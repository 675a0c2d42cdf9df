import type { PolicyStatement } from '../iam/role-policy';

/**
 * What a deploy role may do, generated from what its environment's stack manages: each Terraform
 * resource (and data source) type maps to the IAM actions the AWS provider calls to create, read,
 * update, tag and delete it, on resources scoped to the environment where the service allows it.
 * A type missing from the table is an error at synth, so a new resource type cannot deploy with a
 * role that was never given its actions. Reviewable in one place: this file.
 *
 * Sources: the Service Authorization Reference of each service
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
 * and the AWS provider's calls per resource (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs).
 */

/** What an environment's deploy role acts on. */
export interface DeployScope {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** Every Region the environment calls Bedrock in (primary and failover). */
  readonly regions: readonly string[];
  /** The physical-name prefix of the environment's resources, `fm-<env>`. */
  readonly prefix: string;
}

/**
 * One grant of the table: actions on resources. Grants of one sid (one service) merge into one
 * statement, actions and resources unioned: IAM matches an action only to resources of its own
 * types, so the union allows nothing the separate grants did not, and the policy stays under IAM's
 * 10,240-character limit for a role's inline policies.
 */
export interface DeployGrant {
  readonly sid: string;
  readonly actions: readonly string[];
  /** The resources; `'*'` only for actions without resource-level permissions (then limited to the Regions). */
  readonly resources: (s: DeployScope) => readonly string[];
}

/** A Terraform type's grants, and the service principal its resources are handed a role for (iam:PassRole). */
export interface TypePermissions {
  readonly grants: readonly DeployGrant[];
  readonly passesRoleTo?: string;
}

const any = () => ['*'];

/** Actions whose service offers no resource-level permission (the role gets them on `*`, in its Regions). */
const NO_RESOURCE_LEVEL = {
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html (CreateKey, ListAliases)
  kms: ['kms:CreateKey', 'kms:ListAliases'],
  // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy (log delivery needs "*")
  logDelivery: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
  ],
  states: ['states:ValidateStateMachineDefinition'],
} as const;

const apigateway = (sid: string, paths: readonly string[]): DeployGrant => ({
  sid,
  actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
  resources: (s) => [
    ...paths.map((p) => `arn:aws:apigateway:${s.region}::${p}`),
    `arn:aws:apigateway:${s.region}::/tags/*`,
  ],
});
const REST_APIS = apigateway('ApiGateway', ['/restapis', '/restapis/*']);
const API_KEYS = apigateway('ApiGateway', ['/apikeys', '/apikeys/*']);
const USAGE_PLANS = apigateway('ApiGateway', ['/usageplans', '/usageplans/*']);

const appconfig = (actions: readonly string[]): DeployGrant => ({
  sid: 'AppConfig',
  actions: [...actions, 'appconfig:TagResource', 'appconfig:UntagResource', 'appconfig:ListTagsForResource'],
  resources: (s) => [
    `arn:aws:appconfig:${s.region}:${s.account}:application/*`,
    `arn:aws:appconfig:${s.region}:${s.account}:deploymentstrategy/*`,
  ],
});

const IAM_ROLES: DeployGrant = {
  sid: 'OwnRoles',
  actions: [
    'iam:CreateRole',
    'iam:GetRole',
    'iam:UpdateRole',
    'iam:DeleteRole',
    'iam:TagRole',
    'iam:UntagRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:ListInstanceProfilesForRole',
  ],
  // Replaced by the stack's own role ARNs (deployStatements): never another role of the account.
  resources: () => [],
};
const IAM_ROLE_POLICIES: DeployGrant = {
  sid: 'OwnRoles',
  actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  resources: () => [],
};

const KMS_KEYS: DeployGrant = {
  sid: 'Kms',
  actions: [
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:PutKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:EnableKeyRotation',
    'kms:ListResourceTags',
    'kms:TagResource',
    'kms:UntagResource',
    'kms:ScheduleKeyDeletion',
    'kms:CreateAlias',
    'kms:DeleteAlias',
    'kms:UpdateAlias',
  ],
  resources: (s) => [
    `arn:aws:kms:${s.region}:${s.account}:key/*`,
    `arn:aws:kms:${s.region}:${s.account}:alias/${s.prefix}`,
  ],
};

const LOG_GROUPS: DeployGrant = {
  sid: 'LogGroups',
  actions: [
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteRetentionPolicy',
    'logs:AssociateKmsKey',
    'logs:DisassociateKmsKey',
    'logs:TagResource',
    'logs:UntagResource',
    'logs:ListTagsForResource',
    'logs:TagLogGroup',
    'logs:ListTagsLogGroup',
  ],
  // DescribeLogGroups is authorized on log-group:* (the names are the environment's: /aws/<service>/fm-<env>-...).
  resources: (s) => [`arn:aws:logs:${s.region}:${s.account}:log-group:*`],
};

const NO_RESOURCE: DeployGrant = {
  sid: 'NoResourceLevel',
  actions: [],
  resources: any,
};
const withoutResourceLevel = (actions: readonly string[]): DeployGrant => ({ ...NO_RESOURCE, actions });

const lambda = (actions: readonly string[]): DeployGrant => ({
  sid: 'LambdaFunctions',
  actions,
  resources: (s) => [`arn:aws:lambda:${s.region}:${s.account}:function:${s.prefix}-*`],
});

const sagemaker = (sid: string, actions: readonly string[], resource: (s: DeployScope) => string): DeployGrant => ({
  sid,
  actions: [...actions, 'sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags'],
  resources: (s) => [resource(s)],
});

/** Every Terraform type a platform stack may hold, and what deploying it takes. */
export const DEPLOY_PERMISSIONS: Readonly<Record<string, TypePermissions>> = {
  aws_iam_policy_document: { grants: [] }, // rendered by Terraform itself, no AWS call
  aws_api_gateway_rest_api: { grants: [REST_APIS] },
  aws_api_gateway_deployment: { grants: [REST_APIS] },
  aws_api_gateway_stage: { grants: [REST_APIS] },
  aws_api_gateway_method_settings: { grants: [REST_APIS] },
  aws_api_gateway_api_key: { grants: [API_KEYS] },
  aws_api_gateway_usage_plan: { grants: [USAGE_PLANS, REST_APIS] },
  aws_api_gateway_usage_plan_key: { grants: [USAGE_PLANS, API_KEYS] },
  aws_appconfig_application: {
    grants: [
      appconfig([
        'appconfig:CreateApplication',
        'appconfig:GetApplication',
        'appconfig:UpdateApplication',
        'appconfig:DeleteApplication',
      ]),
    ],
  },
  aws_appconfig_environment: {
    grants: [
      appconfig([
        'appconfig:CreateEnvironment',
        'appconfig:GetEnvironment',
        'appconfig:UpdateEnvironment',
        'appconfig:DeleteEnvironment',
      ]),
    ],
    passesRoleTo: 'appconfig.amazonaws.com',
  },
  aws_appconfig_configuration_profile: {
    grants: [
      appconfig([
        'appconfig:CreateConfigurationProfile',
        'appconfig:GetConfigurationProfile',
        'appconfig:UpdateConfigurationProfile',
        'appconfig:DeleteConfigurationProfile',
      ]),
    ],
  },
  aws_appconfig_hosted_configuration_version: {
    grants: [
      appconfig([
        'appconfig:CreateHostedConfigurationVersion',
        'appconfig:GetHostedConfigurationVersion',
        'appconfig:DeleteHostedConfigurationVersion',
      ]),
    ],
  },
  aws_appconfig_deployment_strategy: {
    grants: [
      appconfig([
        'appconfig:CreateDeploymentStrategy',
        'appconfig:GetDeploymentStrategy',
        'appconfig:UpdateDeploymentStrategy',
        'appconfig:DeleteDeploymentStrategy',
      ]),
    ],
  },
  aws_appconfig_deployment: {
    grants: [appconfig(['appconfig:StartDeployment', 'appconfig:GetDeployment', 'appconfig:StopDeployment'])],
  },
  aws_cloudwatch_dashboard: {
    grants: [
      {
        sid: 'CloudWatch',
        actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
        resources: (s) => [`arn:aws:cloudwatch::${s.account}:dashboard/${s.prefix}*`],
      },
    ],
  },
  aws_cloudwatch_metric_alarm: {
    grants: [
      {
        sid: 'CloudWatch',
        actions: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
          'cloudwatch:ListTagsForResource',
        ],
        resources: (s) => [`arn:aws:cloudwatch:${s.region}:${s.account}:alarm:${s.prefix}-*`],
      },
    ],
  },
  aws_cloudwatch_log_group: { grants: [LOG_GROUPS] },
  // The deployment pipeline's approval rule (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html).
  aws_cloudwatch_event_rule: {
    grants: [
      {
        sid: 'EventRules',
        actions: [
          'events:PutRule',
          'events:DescribeRule',
          'events:DeleteRule',
          'events:EnableRule',
          'events:DisableRule',
          'events:TagResource',
          'events:UntagResource',
          'events:ListTagsForResource',
        ],
        resources: (s) => [`arn:aws:events:${s.region}:${s.account}:rule/${s.prefix}-*`],
      },
    ],
  },
  aws_cloudwatch_event_target: {
    grants: [
      {
        sid: 'EventRules',
        actions: ['events:PutTargets', 'events:RemoveTargets', 'events:ListTargetsByRule'],
        resources: (s) => [`arn:aws:events:${s.region}:${s.account}:rule/${s.prefix}-*`],
      },
    ],
    passesRoleTo: 'events.amazonaws.com',
  },
  aws_dynamodb_table: {
    grants: [
      {
        sid: 'DynamoDbTables',
        actions: [
          'dynamodb:CreateTable',
          'dynamodb:DescribeTable',
          'dynamodb:UpdateTable',
          'dynamodb:DeleteTable',
          'dynamodb:DescribeContinuousBackups',
          'dynamodb:UpdateContinuousBackups',
          'dynamodb:DescribeTimeToLive',
          'dynamodb:UpdateTimeToLive',
          'dynamodb:TagResource',
          'dynamodb:UntagResource',
          'dynamodb:ListTagsOfResource',
        ],
        resources: (s) => [`arn:aws:dynamodb:${s.region}:${s.account}:table/${s.prefix}-*`],
      },
    ],
  },
  aws_iam_role: { grants: [IAM_ROLES] },
  aws_iam_role_policy: { grants: [IAM_ROLE_POLICIES] },
  // The stack's own customer-managed policies (the router's application-profile grants), by name prefix.
  aws_iam_policy: {
    grants: [
      {
        // One statement with the roles' (OwnRoles): IAM matches each action to resources of its own type.
        sid: 'OwnRoles',
        actions: [
          'iam:CreatePolicy',
          'iam:GetPolicy',
          'iam:GetPolicyVersion',
          'iam:ListPolicyVersions',
          'iam:CreatePolicyVersion',
          'iam:DeletePolicyVersion',
          'iam:DeletePolicy',
          'iam:TagPolicy',
          'iam:UntagPolicy',
        ],
        resources: (s) => [`arn:aws:iam::${s.account}:policy/${s.prefix}-*`],
      },
    ],
  },
  // On the stack's own roles only, like iam:PutRolePolicy: a policy attached there grants nothing an inline
  // policy the role may already write could not, so no iam:PolicyARN condition (whose statement would
  // take prod's deploy policy past IAM's 10,240 characters for a role's inline policies).
  aws_iam_role_policy_attachment: {
    grants: [{ sid: 'OwnRoles', actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], resources: () => [] }],
  },
  aws_kms_key: { grants: [KMS_KEYS, withoutResourceLevel(NO_RESOURCE_LEVEL.kms)] },
  aws_kms_alias: { grants: [KMS_KEYS, withoutResourceLevel(NO_RESOURCE_LEVEL.kms)] },
  aws_lambda_function: {
    grants: [
      lambda([
        'lambda:CreateFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:DeleteFunction',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:ListVersionsByFunction',
        'lambda:PublishVersion',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:ListTags',
      ]),
      {
        // The AppConfig Lambda extension is a layer published by an AWS account of the Region.
        sid: 'LambdaFunctions',
        actions: ['lambda:GetLayerVersion'],
        resources: (s) => [`arn:aws:lambda:${s.region}:*:layer:AWS-AppConfig-Extension*:*`],
      },
    ],
    passesRoleTo: 'lambda.amazonaws.com',
  },
  // The streaming twin's function URL: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
  aws_lambda_function_url: {
    grants: [
      lambda([
        'lambda:CreateFunctionUrlConfig',
        'lambda:GetFunctionUrlConfig',
        'lambda:UpdateFunctionUrlConfig',
        'lambda:DeleteFunctionUrlConfig',
      ]),
    ],
  },
  aws_lambda_permission: {
    grants: [lambda(['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'])],
  },
  aws_scheduler_schedule: {
    grants: [
      {
        sid: 'Schedules',
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
        ],
        resources: (s) => [`arn:aws:scheduler:${s.region}:${s.account}:schedule/*/${s.prefix}-*`],
      },
    ],
    passesRoleTo: 'scheduler.amazonaws.com',
  },
  // Application inference profiles: ids are generated, so any in the environment's Regions; creating one
  // reads its source (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
  aws_bedrock_inference_profile: {
    grants: [
      {
        sid: 'InferenceProfiles',
        actions: [
          'bedrock:CreateInferenceProfile',
          'bedrock:GetInferenceProfile',
          'bedrock:DeleteInferenceProfile',
          'bedrock:TagResource',
          'bedrock:UntagResource',
          'bedrock:ListTagsForResource',
        ],
        // Only in the primary Region: the stack makes its profiles there (failover Regions call the
        // system profiles), copying a system profile or foundation model of that Region
        // (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html).
        resources: (s) => [
          `arn:aws:bedrock:${s.region}:${s.account}:application-inference-profile/*`,
          `arn:aws:bedrock:${s.region}:${s.account}:inference-profile/*`,
          `arn:aws:bedrock:${s.region}::foundation-model/*`,
        ],
      },
    ],
  },
  // Bedrock custom models: the job Terraform starts, the model it outputs, and the throughput serving it
  // (ids are generated: any in the primary Region). Creating a job passes its service role to Bedrock.
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
  aws_bedrock_custom_model: {
    grants: [
      {
        sid: 'BedrockCustomModels',
        actions: [
          'bedrock:CreateModelCustomizationJob',
          'bedrock:GetModelCustomizationJob',
          'bedrock:StopModelCustomizationJob',
          'bedrock:GetCustomModel',
          'bedrock:DeleteCustomModel',
          'bedrock:TagResource',
          'bedrock:UntagResource',
          'bedrock:ListTagsForResource',
        ],
        resources: (s) => [
          `arn:aws:bedrock:${s.region}:${s.account}:model-customization-job/*`,
          `arn:aws:bedrock:${s.region}:${s.account}:custom-model/*`,
          `arn:aws:bedrock:${s.region}::foundation-model/*`,
        ],
      },
    ],
    passesRoleTo: 'bedrock.amazonaws.com',
  },
  aws_bedrock_provisioned_model_throughput: {
    grants: [
      {
        sid: 'BedrockCustomModels',
        actions: [
          'bedrock:CreateProvisionedModelThroughput',
          'bedrock:GetProvisionedModelThroughput',
          'bedrock:DeleteProvisionedModelThroughput',
          'bedrock:TagResource',
          'bedrock:UntagResource',
          'bedrock:ListTagsForResource',
        ],
        resources: (s) => [
          `arn:aws:bedrock:${s.region}:${s.account}:provisioned-model/*`,
          `arn:aws:bedrock:${s.region}:${s.account}:custom-model/*`,
        ],
      },
    ],
  },
  aws_sfn_state_machine: {
    grants: [
      {
        sid: 'StateMachines',
        actions: [
          'states:CreateStateMachine',
          'states:DescribeStateMachine',
          'states:UpdateStateMachine',
          'states:DeleteStateMachine',
          'states:ListStateMachineVersions',
          'states:TagResource',
          'states:UntagResource',
          'states:ListTagsForResource',
        ],
        resources: (s) => [`arn:aws:states:${s.region}:${s.account}:stateMachine:${s.prefix}-*`],
      },
      {
        // The deploy job's `npm run promote` after the apply: start a model's deployment pipeline and follow it.
        sid: 'StateMachines',
        actions: ['states:StartExecution', 'states:DescribeExecution'],
        resources: (s) => [
          `arn:aws:states:${s.region}:${s.account}:stateMachine:${s.prefix}-deploy-*`,
          `arn:aws:states:${s.region}:${s.account}:execution:${s.prefix}-deploy-*:*`,
        ],
      },
      withoutResourceLevel([...NO_RESOURCE_LEVEL.states, ...NO_RESOURCE_LEVEL.logDelivery]),
    ],
    passesRoleTo: 'states.amazonaws.com',
  },
  aws_sagemaker_model: {
    grants: [
      sagemaker(
        'SageMaker',
        ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:DeleteModel'],
        (s) => `arn:aws:sagemaker:${s.region}:${s.account}:model/${s.prefix}-*`,
      ),
    ],
    passesRoleTo: 'sagemaker.amazonaws.com',
  },
  aws_sagemaker_endpoint_configuration: {
    grants: [
      sagemaker(
        'SageMaker',
        ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpointConfig'],
        (s) => `arn:aws:sagemaker:${s.region}:${s.account}:endpoint-config/${s.prefix}-*`,
      ),
    ],
  },
  aws_sagemaker_endpoint: {
    grants: [
      sagemaker(
        'SageMaker',
        [
          'sagemaker:CreateEndpoint',
          'sagemaker:DescribeEndpoint',
          'sagemaker:UpdateEndpoint',
          'sagemaker:DeleteEndpoint',
        ],
        (s) => `arn:aws:sagemaker:${s.region}:${s.account}:endpoint/${s.prefix}-*`,
      ),
    ],
  },
  aws_sagemaker_model_package_group: {
    grants: [
      // Package groups are named after the model family, not the environment.
      sagemaker(
        'SageMaker',
        [
          'sagemaker:CreateModelPackageGroup',
          'sagemaker:DescribeModelPackageGroup',
          'sagemaker:DeleteModelPackageGroup',
        ],
        (s) => `arn:aws:sagemaker:${s.region}:${s.account}:model-package-group/*`,
      ),
    ],
  },
  aws_wafv2_web_acl: {
    grants: [
      {
        sid: 'Waf',
        actions: [
          'wafv2:CreateWebACL',
          'wafv2:GetWebACL',
          'wafv2:UpdateWebACL',
          'wafv2:DeleteWebACL',
          'wafv2:TagResource',
          'wafv2:UntagResource',
          'wafv2:ListTagsForResource',
        ],
        resources: (s) => [
          `arn:aws:wafv2:${s.region}:${s.account}:regional/webacl/${s.prefix}-*/*`,
          `arn:aws:wafv2:${s.region}:${s.account}:regional/managedruleset/*/*`,
        ],
      },
    ],
  },
  aws_wafv2_web_acl_association: {
    grants: [
      {
        sid: 'Waf',
        actions: [
          'wafv2:AssociateWebACL',
          'wafv2:DisassociateWebACL',
          'wafv2:GetWebACLForResource',
          'apigateway:SetWebACL',
        ],
        resources: (s) => [
          `arn:aws:wafv2:${s.region}:${s.account}:regional/webacl/${s.prefix}-*/*`,
          `arn:aws:apigateway:${s.region}::/restapis/*/stages/*`,
        ],
      },
    ],
  },
};

/** A Terraform type the table does not know: the fix names this file. */
export class UnknownDeployTypeError extends Error {
  override readonly name = 'UnknownDeployTypeError';
}

/** What the environment's stack manages, as its deploy role needs it. */
export interface ManagedTypes {
  /** Resource and data source types (`aws_lambda_function`). */
  readonly types: readonly string[];
  /** ARNs of the IAM roles the stack creates: the only roles it may change or pass. */
  readonly roleArns: readonly string[];
}

/**
 * The deploy role's statements for what the stack manages: each known type's grants merged by sid,
 * `iam:*Role*` and `iam:PassRole` only on the stack's own roles (PassRole only to the services that
 * take them), and actions without resource-level permissions limited to the environment's Regions.
 */
export function deployStatements(
  managed: ManagedTypes,
  scope: DeployScope,
  table: Readonly<Record<string, TypePermissions>> = DEPLOY_PERMISSIONS,
): PolicyStatement[] {
  const unknown = managed.types.filter((t) => table[t] === undefined);
  if (unknown.length > 0) {
    throw new UnknownDeployTypeError(
      `the ${scope.environment} stack manages ${unknown.join(', ')}, which the deploy role has no actions for; ` +
        'fix: add each type with the actions the AWS provider calls for it to DEPLOY_PERMISSIONS in modules/bootstrap/deploy-permissions.ts',
    );
  }
  const merged = new Map<string, { actions: Set<string>; resources: Set<string> }>();
  const passedTo = new Set<string>();
  for (const type of [...managed.types].sort()) {
    const entry = table[type];
    if (entry.passesRoleTo) passedTo.add(entry.passesRoleTo);
    for (const grant of entry.grants) {
      const into = merged.get(grant.sid) ?? { actions: new Set<string>(), resources: new Set<string>() };
      merged.set(grant.sid, into);
      for (const a of grant.actions) into.actions.add(a);
      const resources =
        grant.sid === IAM_ROLES.sid ? [...managed.roleArns, ...grant.resources(scope)] : grant.resources(scope);
      for (const r of resources) into.resources.add(r);
    }
  }
  const statements: PolicyStatement[] = [];
  for (const [sid, { actions, resources }] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    if (actions.size === 0 || resources.size === 0) continue;
    statements.push({
      sid,
      actions: [...actions],
      resources: [...resources],
      ...(resources.has('*')
        ? { conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [scope.region] }] }
        : {}),
    });
  }
  if (passedTo.size > 0 && managed.roleArns.length > 0) {
    statements.push({
      sid: 'PassOwnRoles',
      actions: ['iam:PassRole'],
      resources: [...managed.roleArns],
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [...passedTo].sort() }],
    });
  }
  return statements;
}

/**
 * What the deploy job itself calls besides Terraform: the state (S3 backend with its native lock
 * file, https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required),
 * preflight's reads, and the wait for the AppConfig deployment.
 */
export function pipelineStatements(
  scope: DeployScope,
  state: { readonly bucket: string; readonly key: string },
): PolicyStatement[] {
  return [
    {
      sid: 'State',
      actions: [
        's3:ListBucket',
        's3:GetBucketVersioning',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:PutObject',
        's3:DeleteObject',
      ],
      resources: [
        `arn:aws:s3:::${state.bucket}`,
        `arn:aws:s3:::${state.bucket}/${state.key}`,
        `arn:aws:s3:::${state.bucket}/${state.key}.tflock`,
      ],
    },
    {
      sid: 'PreflightAccountSettings',
      actions: ['apigateway:GET'],
      resources: [`arn:aws:apigateway:${scope.region}::/account`],
    },
    {
      // Account settings, quotas and Bedrock's model catalog have no resource-level permissions.
      sid: 'PreflightReads',
      actions: [
        'lambda:GetAccountSettings',
        'servicequotas:GetServiceQuota',
        'bedrock:ListFoundationModels',
        'bedrock:GetFoundationModelAvailability',
        'bedrock:ListInferenceProfiles',
        'appconfig:ListApplications',
      ],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [...scope.regions] }],
    },
    {
      sid: 'WatchDeployments',
      actions: ['appconfig:ListEnvironments', 'appconfig:ListDeployments', 'appconfig:GetDeployment'],
      resources: [`arn:aws:appconfig:${scope.region}:${scope.account}:application/*`],
    },
    {
      sid: 'WatchAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [`arn:aws:cloudwatch:${scope.region}:${scope.account}:alarm:${scope.prefix}-*`],
    },
  ];
}
