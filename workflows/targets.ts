/** What the definitions reference outside the plan (Terraform tokens in the stack, literals in tests). */
export interface WorkflowTargets {
  /** The circuit table, as its name or its ARN: DynamoDB's `TableName` takes either. */
  readonly circuitTableName: string;
  readonly routerFunctionArn: string;
}
