/** What the definitions reference outside the plan (Terraform tokens in the stack, literals in tests). */
export interface WorkflowTargets {
  /** The circuit table, as its name or its ARN: DynamoDB's `TableName` takes either. */
  readonly circuitTableName: string;
  readonly routerFunctionArn: string;
  /**
   * The route's application inference profile of a model (cost allocation), which InvokeModel takes as
   * its ModelId in place of the system profile or model id; undefined where the route has none.
   * @default - none
   */
  readonly applicationProfileArn?: (routeId: string, modelId: string) => string | undefined;
}
