import { formatIssues } from '../catalog/issues';
import { loadProject } from '../catalog';
import { didYouMean } from '../suggest/did-you-mean';
import { formatRanking } from '../selection/format';
import { readNeedsFile, type Needs } from '../selection/needs';
import { rankModels, replacementSuggester } from '../selection/rank';
import { DEFAULT_WEIGHTS, parseWeights } from '../selection/weights';
import { parseOptions } from './args';

const USAGE = `usage: npm run select -- (--route NAME | --needs FILE) [--env NAME] [--top N] [--weights W] [--json]

Ranks the catalog's models for a use case: those that meet its hard requirements (context window,
input modalities, languages, tool use, streaming and hosting if asked, not retired, legacy or
deprecated unless allowed, served in the environment's Region), by a stated score; and lists every
other model with the requirements it fails.
  --route NAME   a catalog route: its requirements and the environment's traffic shape for it
  --needs FILE   a JSON file of requirements (minContextWindowTokens, inputModalities, languages,
                 toolUse, streaming, hosting, allowDeprecated, preferStrengths, traffic); with
                 --route, it adds to the route's requirements
  --env NAME     environment whose Region and traffic apply (default: prod)
  --top N        show the N best (default: all)
  --weights W    e.g. quality=0.5,latency=0.2,cost=0.3 (normalized to sum to 1; that is the default)
  --json         the ranking as JSON`;

const opts = parseOptions(
  {
    route: { type: 'string' },
    needs: { type: 'string' },
    env: { type: 'string' },
    top: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  },
  USAGE,
);

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function main(): void {
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.route === undefined && opts.needs === undefined) fail(`give --route NAME or --needs FILE\n\n${USAGE}`);
  const top = opts.top === undefined ? Infinity : Number(opts.top);
  if (top !== Infinity && (!Number.isInteger(top) || top < 1))
    fail(`--top must be a whole number of 1 or more, but "${opts.top ?? ''}" was given`);
  let weights = DEFAULT_WEIGHTS;
  try {
    if (opts.weights !== undefined) weights = parseWeights(opts.weights);
  } catch (err) {
    fail((err as Error).message);
  }
  let fromFile: Needs = {};
  if (opts.needs !== undefined) {
    const read = readNeedsFile(opts.needs);
    if (!read.ok) fail(formatIssues(read.issues), 1);
    fromFile = read.needs;
  }

  const envName = opts.env ?? 'prod';
  const project = loadProject({ only: [envName], suggestReplacement: replacementSuggester });
  const plan = project.plans.find((p) => p.name === envName);
  if (plan === undefined) fail(`no environment "${envName}"`);
  let needs: Needs = fromFile;
  let title = `Models for ${opts.needs ?? ''} in ${plan.name} (${plan.region})`;
  let traffic = undefined;
  if (opts.route !== undefined) {
    const route = plan.routes.find((r) => r.id === opts.route);
    if (route === undefined) {
      const hint = didYouMean(
        opts.route,
        plan.routes.map((r) => r.id),
      );
      fail(
        `no route "${opts.route}" in ${plan.name}${hint ? `; ${hint}` : ''} (routes: ${plan.routes.map((r) => r.id).join(', ')})`,
      );
    }
    needs = { ...route.requirements, ...fromFile };
    traffic = plan.costAssumptions[route.id];
    title = `Models for route "${route.id}" in ${plan.name} (${plan.region})${opts.needs ? ` with ${opts.needs}` : ''}`;
  }
  const ranking = rankModels(project.catalog, needs, { region: plan.region, tier: plan.tier, traffic, weights });
  if (opts.json)
    console.log(
      JSON.stringify(
        { environment: plan.name, route: opts.route, needs, ...ranking, ranked: ranking.ranked.slice(0, top) },
        null,
        2,
      ),
    );
  else console.log(formatRanking(title, needs, ranking, top));
}

main();
