import { performance } from 'node:perf_hooks';
import { RULES, checkProject, formatIssues } from '../catalog';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run validate -- [--catalog FILE] [--environments DIR] [--env NAME ...] [--json] [--rules]

Checks the model catalog and every environment file: JSON Schema first, then the cross-field rules.
Exit 0 when valid (warnings are printed), 1 with every error located by file, line and JSON path.
  --catalog FILE       the catalog (default: model-catalog.json)
  --environments DIR   the environment files (default: environments/)
  --env NAME           only this environment (repeatable)
  --json               machine-readable records, for CI annotations
  --rules              list the cross-field rules and exit`;

const opts = parseOptions(
  {
    catalog: { type: 'string' },
    environments: { type: 'string' },
    env: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    rules: { type: 'boolean' },
  },
  USAGE,
);

if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
if (opts.rules) {
  for (const r of RULES) console.log(`${r.id.padEnd(22)} ${r.summary}`);
  process.exit(0);
}

const started = performance.now();
const result = checkProject({
  catalogPath: opts.catalog,
  environmentsDir: opts.environments,
  only: opts.env,
  suggestReplacement: replacementSuggester,
});
const elapsedMs = Math.round(performance.now() - started);
const errors = result.issues.filter((i) => i.severity === 'error');
const warnings = result.issues.filter((i) => i.severity === 'warning');

if (opts.json) {
  console.log(
    JSON.stringify(
      {
        valid: result.project !== undefined,
        errors: errors.length,
        warnings: warnings.length,
        environments: result.project?.plans.map((p) => p.name) ?? [],
        issues: result.issues,
        elapsedMs,
      },
      null,
      2,
    ),
  );
} else if (result.project) {
  if (warnings.length) console.log(`${formatIssues(warnings)}\n`);
  const { catalog, plans } = result.project;
  console.log(
    `valid: catalog ${catalog.version} (${catalog.models.length} models, ${catalog.routes.length} routes), ` +
      `environments ${plans.map((p) => p.name).join(', ')}; ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (${elapsedMs} ms)`,
  );
} else {
  console.error(formatIssues(result.issues));
  if (errors.every((i) => i.rule === 'schema' || i.rule.startsWith('json') || i.rule === 'file-unreadable')) {
    console.error('\n(the cross-field rules run once every file passes its JSON Schema)');
  }
  console.error(
    `\n${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: nothing was changed. Fix the errors above and run npm run validate again.`,
  );
}
// exitCode, not exit(): --json output written to a pipe must drain before the process ends.
process.exitCode = result.project ? 0 : 1;
