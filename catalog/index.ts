export { checkProject, loadProject, type CheckResult, type LoadOptions, type LoadedProject } from './load';
export { CatalogValidationError, formatIssues, type CatalogIssue } from './issues';
export type { BedrockInvocation, EnvironmentPlan, PlannedModel, PlannedRoute, PlannedSagemakerHosting } from './plan';
export { CATALOG_RULES, ENVIRONMENT_RULES } from './rules';
