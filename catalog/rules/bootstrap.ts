import type { Environment } from '../../schemas/generated/environment';
import { artifactsBucketOf, evaluationBucketOf, s3Bucket } from '../bootstrap';
import { effectiveRoutes, type EnvironmentContext, type JsonPath } from '../context';
import type { CatalogIssue } from '../issues';
import { didYouMean, listOf } from '../../suggest/did-you-mean';
import type { Rule } from './rule';

/** The other environments of this environment's account. */
function accountSiblings(ctx: EnvironmentContext): Environment[] {
  return ctx.environments.filter((e) => e.account === ctx.env.account && e.name !== ctx.env.name);
}

/** Each SageMaker model this environment runs an endpoint for, with where its weights are read from here. */
function sagemakerWeights(ctx: EnvironmentContext): { id: string; url: string; path: JsonPath }[] {
  const out: { id: string; url: string; path: JsonPath }[] = [];
  const seen = new Set<string>();
  for (const eff of effectiveRoutes(ctx)) {
    eff.candidates.forEach((id) => {
      const m = ctx.models.get(id)?.model;
      if (m?.hosting.type !== 'sagemaker' || seen.has(id)) return;
      if (ctx.env.sagemaker?.endpoints?.[id]?.mode === 'none') return;
      seen.add(id);
      const location = ctx.env.bootstrap?.modelArtifacts?.locations?.[id];
      const urls = location !== undefined ? [location] : [m.hosting.modelDataUrl].filter((u) => u !== undefined);
      const routeIndex = ctx.env.routes.findIndex((r) => r.id === eff.route.id);
      const path: JsonPath =
        location !== undefined
          ? ['bootstrap', 'modelArtifacts', 'locations', id]
          : ctx.env.sagemaker?.endpoints?.[id] !== undefined
            ? ['sagemaker', 'endpoints', id]
            : ['routes', routeIndex];
      for (const url of urls) out.push({ id, url, path });
    });
  }
  return out;
}

/** The account-bootstrap rules: one consistent bootstrap per account, and weights each endpoint may read. */
export const BOOTSTRAP_RULES: readonly Rule[] = [
  {
    id: 'account-bootstrap',
    summary:
      'environments of one account agree on its bootstrap (state, artifacts and evaluation buckets, repository); a deploy role is pinned to a GitHub environment or a branch, not both; grantRead names environments of other accounts',
    environment: (ctx, issue) => {
      const out: CatalogIssue[] = [];
      const b = ctx.env.bootstrap;
      if (b?.github.environment !== undefined && b.github.branch !== undefined) {
        out.push(
          issue(['bootstrap', 'github'], 'the deploy role can trust a GitHub environment or a branch, not both', {
            fix: 'keep "environment" (a job with `environment:`, its protection rules apply) or "branch"',
          }),
        );
      }
      for (const other of accountSiblings(ctx)) {
        // Judged once per pair, at the later file name, so one disagreement is one error.
        if (other.name > ctx.env.name) continue;
        const mine = artifactsBucketOf(ctx.env);
        const theirs = artifactsBucketOf(other);
        if (mine !== theirs) {
          out.push(
            issue(
              ['bootstrap', 'modelArtifacts', 'bucket'],
              `account ${ctx.env.account} would get two artifacts buckets: "${mine}" here and "${theirs}" in ${other.name}`,
              { fix: `use "${theirs}" in both (one artifacts bucket per account)` },
            ),
          );
        }
        if (evaluationBucketOf(ctx.env) !== evaluationBucketOf(other)) {
          out.push(
            issue(
              ['bootstrap', 'evaluation', 'bucket'],
              `account ${ctx.env.account} would get two evaluation buckets: "${evaluationBucketOf(ctx.env)}" here and "${evaluationBucketOf(other)}" in ${other.name}`,
              { fix: `use "${evaluationBucketOf(other)}" in both (one evaluation bucket per account)` },
            ),
          );
        }
        if (b && other.bootstrap) {
          if ((b.state ?? 'local') !== (other.bootstrap.state ?? 'local'))
            out.push(
              issue(
                ['bootstrap', 'state'],
                `the bootstrap stack of account ${ctx.env.account} keeps its state "${b.state ?? 'local'}" here and "${other.bootstrap.state ?? 'local'}" in ${other.name}`,
                { fix: 'set the same "state" in both: the account has one bootstrap stack' },
              ),
            );
          if (b.github.repository !== other.bootstrap.github.repository)
            out.push(
              issue(
                ['bootstrap', 'github', 'repository'],
                `account ${ctx.env.account} trusts repository "${b.github.repository}" here and "${other.bootstrap.github.repository}" in ${other.name}`,
                { fix: 'deploy both from one repository' },
              ),
            );
        }
      }
      const names = ctx.environments.map((e) => e.name);
      (b?.modelArtifacts?.grantRead ?? []).forEach((name, i) => {
        const reader = ctx.environments.find((e) => e.name === name);
        const path = ['bootstrap', 'modelArtifacts', 'grantRead', i];
        if (!reader) {
          out.push(
            issue(path, `unknown environment "${name}"`, {
              expected: `one of ${listOf(names)}`,
              fix: didYouMean(name, names) ?? 'name an environment file',
            }),
          );
        } else if (reader.account === ctx.env.account) {
          out.push(
            issue(path, `${name} is in the same account (${reader.account}): it reads the bucket without a grant`, {
              fix: 'remove it',
            }),
          );
        }
      });
      return out;
    },
  },
  {
    id: 'model-artifacts',
    summary:
      "a SageMaker model's weights are in a bucket the environment owns (its account's artifacts bucket) or is granted (another account's bucket whose environment lists it in grantRead)",
    environment: (ctx, issue) =>
      sagemakerWeights(ctx).flatMap(({ id, url, path }) => {
        const bucket = s3Bucket(url);
        const own = artifactsBucketOf(ctx.env);
        if (bucket === own) return [];
        const owner = ctx.environments.find((e) => e.account !== ctx.env.account && artifactsBucketOf(e) === bucket);
        if (owner && (owner.bootstrap?.modelArtifacts?.grantRead ?? []).includes(ctx.env.name)) return [];
        const whose = owner
          ? `the artifacts bucket of account ${owner.account} (${owner.name})`
          : "no account's artifacts bucket";
        return [
          issue(
            path,
            `SageMaker model "${id}" reads its weights from ${url}, in "${bucket}" (${whose}): ${ctx.env.name} (account ${ctx.env.account}) neither owns it nor is granted it, so its endpoint could not load the model`,
            {
              expected: `a bucket ${ctx.env.name} owns ("${own}") or is granted`,
              fix: owner
                ? `copy the weights to s3://${own}/ and set bootstrap.modelArtifacts.locations["${id}"] here, or add "${ctx.env.name}" to bootstrap.modelArtifacts.grantRead of ${owner.name}`
                : `copy the weights to s3://${own}/ and set bootstrap.modelArtifacts.locations["${id}"] to that prefix`,
            },
          ),
        ];
      }),
  },
];
