import type { PolicyStatement } from '../iam/role-policy';

/** The branch whose scheduled runs may assume the sync role: scheduled workflows run on the default branch. */
export const SYNC_BRANCH = 'main';

/** Where the catalog sync reads, in one environment's account. */
export interface SyncScope {
  readonly account: string;
  /** The environment's primary and failover Regions: the ones `npm run sync` reads. */
  readonly regions: readonly string[];
}

/**
 * What `npm run sync` calls (sync/read-bedrock.ts), and nothing else: ListFoundationModels and
 * ListInferenceProfiles take no resource (`*`); GetFoundationModel acts on foundation-model ARNs and
 * GetInferenceProfile on the account's inference-profile ARNs, each limited to the Regions read
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html).
 */
export function syncStatements(scope: SyncScope): PolicyStatement[] {
  const regions = [...new Set(scope.regions)].sort();
  return [
    {
      sid: 'ListModelsAndProfiles',
      actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    },
    {
      sid: 'ReadFoundationModels',
      actions: ['bedrock:GetFoundationModel'],
      resources: regions.map((r) => `arn:aws:bedrock:${r}::foundation-model/*`),
    },
    {
      sid: 'ReadInferenceProfiles',
      actions: ['bedrock:GetInferenceProfile'],
      resources: regions.map((r) => `arn:aws:bedrock:${r}:${scope.account}:inference-profile/*`),
    },
  ];
}
