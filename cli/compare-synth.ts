import { compareSynth } from '../stacks/compare';
import { parseOptions } from './args';

const USAGE = `usage: npm run compare-synth -- --before DIR --after DIR [--strict]

Compares the synthesized Terraform of every environment in two cdktf.out folders (for example
one synthesized before a refactoring and one after), as parsed JSON, so key order never counts.
The router's zip changes whenever its source moves; its file name and hash are reported apart
unless --strict. Exit 0 when every environment is identical, 1 when one differs, 2 on bad options.`;

const opts = parseOptions(
  { before: { type: 'string' }, after: { type: 'string' }, strict: { type: 'boolean' } },
  USAGE,
);
if (opts.help) {
  console.log(USAGE);
} else if (opts.before === undefined || opts.after === undefined) {
  console.error(`--before and --after are both required\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  const results = compareSynth(opts.before, opts.after, { strict: opts.strict });
  for (const r of results) {
    const bundle = opts.strict
      ? ''
      : r.routerPackageChanged
        ? ' (the router package changed)'
        : ' (the router package is the same)';
    console.log(`${r.environment}: ${r.status}${bundle}`);
    for (const path of r.differences) console.log(`  differs at ${path}`);
  }
  process.exitCode = results.every((r) => r.status === 'identical') ? 0 : 1;
}
