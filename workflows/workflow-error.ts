/** A workflow definition cannot be built from the plan it was given (a missing route, model or invocation). */
export class WorkflowDefinitionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkflowDefinitionError';
  }
}
