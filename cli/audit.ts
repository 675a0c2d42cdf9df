import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderMarkdown } from '../audit/markdown';
import { AuditInputError, runAudit } from '../audit/run';
import { parseOptions } from './args';

const USAGE = `usage: npm run audit -- [--env NAME ...] [--base GIT_REF] [--format md|json] [--out FILE] [--plan FILE]

What the catalog gives each environment (routes, fallbacks, models, permissions, endpoints, cost,
lifecycle) and, with --base, what a change does: routing and permission changes, cost delta, and
Terraform resources added, changed, replaced and destroyed, each with a risk. Exit 1 when a gate
fails (each listed with its fix), 2 for a bad option, ref or plan file.
  --env NAME       only this environment (repeatable)
  --base GIT_REF   compare with the catalog and environments at this ref (e.g. origin/main)
  --format md|json Markdown for a PR comment (default) or JSON
  --out FILE       write the report there instead of standard output
  --plan FILE      read a real plan (terraform show -json) of the one --env environment`;

const opts = parseOptions(
  {
    env: { type: 'string', multiple: true },
    base: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    plan: { type: 'string' },
    catalog: { type: 'string' },
    environments: { type: 'string' },
  },
  USAGE,
);
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const format = opts.format ?? 'md';
if (format !== 'md' && format !== 'json') {
  console.error(`--format must be md or json, but ${format} was given\n\n${USAGE}`);
  process.exit(2);
}

const started = performance.now();
let report;
try {
  report = runAudit({
    only: opts.env,
    base: opts.base,
    planFile: opts.plan,
    catalogPath: opts.catalog,
    environmentsDir: opts.environments,
  });
} catch (err) {
  if (err instanceof AuditInputError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report);
if (opts.out) {
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(`${opts.out}.tmp`, text);
  renameSync(`${opts.out}.tmp`, opts.out);
} else {
  process.stdout.write(text);
}
const failed = report.environments.flatMap((e) => e.gates.filter((g) => g.status === 'fail'));
const warned = report.environments.flatMap((e) => e.gates.filter((g) => g.status === 'warn')).length;
console.error(
  `audit: ${report.environments.length} environment${report.environments.length === 1 ? '' : 's'}, ` +
    `${report.passed ? 'gates pass' : report.environments.length === 0 ? 'the catalog does not validate' : `${failed.length} gate failure${failed.length === 1 ? '' : 's'}`}` +
    `${warned ? `, ${warned} gate warning${warned === 1 ? '' : 's'}` : ''} ` +
    `(${Math.round(performance.now() - started)} ms)${opts.out ? `; wrote ${opts.out}` : ''}`,
);
// exitCode, not exit(): a large report written to a pipe must drain before the process ends.
process.exitCode = report.passed ? 0 : 1;
