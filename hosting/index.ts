import { bedrockKind } from './bedrock';
import { bedrockCustomKind } from './bedrock-custom';
import type { HostingKind, HostingType } from './kind';
import { sagemakerKind } from './sagemaker';

export type {
  CatalogHostingOf,
  EndpointRow,
  HostingAuditRow,
  HostingKind,
  HostingType,
  ModelHostedOn,
  PlannedHosting,
  PlannedHostingOf,
  RegionAccess,
  RouterBackend,
  StandingCost,
  WorkflowInvocation,
} from './kind';
export type { BedrockInvocation, PlannedBedrockHosting } from './bedrock/plan';
export type { PlannedSagemakerHosting } from './sagemaker/plan';
export type { PlannedBedrockCustomHosting } from './bedrock-custom/plan';

/** Every hosting kind, by the catalog schema's hosting type: one line per kind. */
export const HOSTING_KINDS: { readonly [T in HostingType]: HostingKind<T> } = {
  bedrock: bedrockKind,
  sagemaker: sagemakerKind,
  'bedrock-custom': bedrockCustomKind,
};

export const HOSTING_TYPES: readonly HostingType[] = Object.values(HOSTING_KINDS).map((k) => k.type);

/** The kind of a catalog or planned hosting entry. */
export function hostingKind<T extends HostingType>(hosting: { readonly type: T }): HostingKind<T> {
  return HOSTING_KINDS[hosting.type];
}
