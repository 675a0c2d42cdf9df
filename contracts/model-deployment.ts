/**
 * What the model deployment pipeline (workflows/deployment-workflow.ts, a Step Functions workflow per
 * registry-driven SageMaker model and environment) records of each roll-out, and who reads it.
 *
 * Written by: the workflow, one DynamoDB item per execution in the environment's deployments table
 * (`fm-<env>-deployments`), and one EventBridge event on the default bus.
 * Read by: `npm run rollback` (the previous serving version), `npm run promote -- --check` and the
 * audit's drift check (what serves against the catalog's pin), and operators
 * (`aws dynamodb query --table-name fm-<env>-deployments --key-condition-expression '#m = :m'
 * --expression-attribute-names '{"#m":"model"}' --expression-attribute-values '{":m":{"S":"<model id>"}}'
 * --no-scan-index-forward`).
 * The router does not read it on the request path: it invokes the endpoint by name, whatever version serves.
 *
 * Why a table and not an SSM parameter or a tag on the endpoint: every attempt is kept (a history, not a
 * last value, so a rollback knows the version before), an item holds a list of alarms and a free-text
 * FailureReason (a tag value holds neither: 256 characters of a restricted set), Terraform does not
 * manage its items (an endpoint's tags it does), and the platform already reads DynamoDB everywhere.
 */

export const DEPLOYMENT_TABLE_KEYS = {
  /** The catalog model id. */
  partitionKey: 'model',
  /**
   * `<execution start time, ISO 8601>#<execution name>`: sorts by time, unique per execution; the DR
   * endpoint's record of the same execution ends `#dr` (workflows/deployment-workflow.ts, DR_RECORD_SUFFIX).
   */
  sortKey: 'at',
} as const;

/** The deployments table of an environment. */
export const deploymentTableName = (namePrefix: string): string => `${namePrefix}-deployments`;

/** How an execution ended. */
export type DeploymentOutcome =
  /** The requested version serves. */
  | 'serving'
  /** SageMaker rolled the update back on an alarm: the previous version serves. */
  | 'rolled-back'
  /** The update failed without an alarm (the new fleet did not start, or the endpoint failed). */
  | 'failed'
  /** The package was not Approved, or not of the model's group: nothing was changed. */
  | 'refused';

/** One deployments-table item, as the workflow writes it (DynamoDB attribute types in comments). */
export interface DeploymentRecord {
  readonly model: string;
  readonly at: string;
  readonly outcome: DeploymentOutcome;
  /** The package asked for (S). */
  readonly requestedPackageArn: string;
  /** The model package serving when the execution ended (S); empty when unknown (a Failed endpoint). */
  readonly servingPackageArn: string;
  /** The model package that served before (S). */
  readonly previousPackageArn: string;
  /** The endpoint and the configuration it uses at the end (S): the primary's, or its DR endpoint's. */
  readonly endpointName: string;
  /** The endpoint's Region (S). */
  readonly region: string;
  readonly endpointConfigName: string;
  /** The rollback alarms in ALARM when the update had rolled back, as a JSON array of names (S). */
  readonly alarms: string;
  /** SageMaker's FailureReason (S), empty when SageMaker gave none. */
  readonly failureReason: string;
  /** What started it: `approval` (a registry event), `promote` (the deploy job), `rollback` (S). */
  readonly trigger: string;
  /** The Step Functions execution (S). */
  readonly execution: string;
}

/** The EventBridge event each execution emits on the default bus. */
export const DEPLOYMENT_EVENT = {
  source: 'fm-platform.model-deployment',
  detailType: 'Model Deployment Outcome',
} as const;

/** The version of a model package ARN (`…:model-package/<group>/<version>`), or undefined. */
export function packageVersion(packageArn: string): number | undefined {
  const m = /:model-package\/[^/]+\/(\d+)$/.exec(packageArn);
  return m ? Number(m[1]) : undefined;
}
