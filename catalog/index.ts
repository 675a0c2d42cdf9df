export { checkProject, loadProject, type CheckResult, type LoadOptions, type LoadedProject } from './load';
export { CatalogValidationError, formatIssues, type CatalogIssue } from './issues';
export type { EnvironmentPlan, PlannedApplicationProfile, PlannedModel, PlannedModelOn, PlannedRoute } from './plan';
export type { ReplacementSuggester } from './context';
export { RULES, type Rule } from './rules';
