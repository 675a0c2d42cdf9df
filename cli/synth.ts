import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, formatIssues } from '../catalog';
import { projectRoot } from '../catalog/paths';
import { synthesize } from '../stacks/app';
import { bootstrapAccounts } from '../stacks/bootstrap-stack';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run synth -- [--out DIR] [--catalog FILE] [--environments DIR]

Validates the catalog and environments, then synthesizes one Terraform stack per environment into
DIR/stacks/<env> (default cdktf.out). An invalid catalog stops it before any construct exists, and
an earlier DIR is left untouched: the new output is written aside and swapped in only when complete.`;

const opts = parseOptions(
  { out: { type: 'string' }, catalog: { type: 'string' }, environments: { type: 'string' } },
  USAGE,
);
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

const started = performance.now();
const result = checkProject({
  catalogPath: opts.catalog,
  environmentsDir: opts.environments,
  suggestReplacement: replacementSuggester,
});
if (!result.project) {
  console.error(formatIssues(result.issues));
  console.error('\nsynth refused: the catalog or an environment is invalid (see above); nothing was written.');
  process.exit(1);
}
const warnings = result.issues.filter((i) => i.severity === 'warning');
if (warnings.length) console.log(`${formatIssues(warnings)}\n`);

const out = resolve(opts.out ?? join(projectRoot, 'cdktf.out'));
const staging = `${out}.tmp-${process.pid}`;
const retired = `${out}.old-${process.pid}`;
try {
  synthesize(result.project.plans, staging);
} catch (err) {
  rmSync(staging, { recursive: true, force: true });
  console.error(
    `synth failed; ${out} is unchanged:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exit(1);
}
if (existsSync(out)) renameSync(out, retired);
renameSync(staging, out);
rmSync(retired, { recursive: true, force: true });

const names = [
  ...result.project.plans.map((p) => p.name),
  ...bootstrapAccounts(result.project.plans).map((a) => a.stackName),
];
console.log(
  `synthesized ${names.length} stacks (${names.join(', ')}) into ${out}/stacks in ${Math.round(performance.now() - started)} ms`,
);
