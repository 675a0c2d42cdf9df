import type { Drift } from './drift';
import type { SyncReport } from './run';

const cell = (s: string) => s.replaceAll('|', '\\|');

function what(d: Drift): string {
  switch (d.kind) {
    case 'lifecycle':
      return 'lifecycle';
    case 'availability':
      return `availability (${d.change})`;
    case 'profile':
      return d.unknownProfile ? 'profile (not in catalog)' : 'profile destinations';
  }
}

/** The sync's report as Markdown, for the terminal and the pull request body. */
export function renderSyncMarkdown(report: SyncReport): string {
  const lines: string[] = [
    `## Bedrock sync: ${report.environment} (${report.regions.join(', ')})`,
    '',
    `Catalog ${report.catalogVersion}, read from Bedrock on ${report.readOn}.`,
    '',
  ];
  if (report.drift.length === 0) lines.push('No drift: every catalog model matches what Bedrock offers.', '');
  else {
    lines.push('| model | Region | drift | detail |', '|---|---|---|---|');
    for (const d of report.drift) lines.push(`| ${d.model} | ${d.region} | ${what(d)} | ${cell(d.message)} |`);
    lines.push('');
  }
  const iam = report.drift.filter((d) => d.kind === 'profile' && !d.unknownProfile && d.added.length > 0);
  if (iam.length > 0) {
    lines.push(
      '**Permissions:** IAM grants the foundation model in each destination Region the catalog records; ' +
        'until the catalog lists the new destinations, requests routed there fail with AccessDenied.',
      '',
    );
  }
  lines.push("### Models of the catalog's families that the catalog lacks", '');
  if (report.newModels.length === 0) lines.push('None.', '');
  else {
    lines.push('| model id | name | family | on demand in | profiles |', '|---|---|---|---|---|');
    for (const m of report.newModels)
      lines.push(
        `| ${m.modelId} | ${cell(m.modelName)} | ${m.family} | ${m.onDemandRegions.join(', ') || '—'} | ${m.profiles.join(', ') || '—'} |`,
      );
    lines.push('', 'Adding one is a decision (pricing, capabilities, routes): nothing is written for these.', '');
  }
  lines.push(report.written ? '### Catalog changes written' : '### Catalog changes `--write` would make', '');
  if (report.changes.length === 0) lines.push('None.', '');
  else {
    for (const c of report.changes) lines.push(`- ${c.summary}`);
    if (report.written) lines.push(`- version ${report.catalogVersion} → ${report.written.version}`);
    lines.push('');
  }
  if (report.written) {
    const errors = report.written.issues.filter((i) => i.severity === 'error');
    if (errors.length === 0) lines.push('The validator accepts the changed catalog.', '');
    else {
      lines.push('### Decisions the catalog now needs (npm run validate)', '');
      for (const i of errors) lines.push(`- \`${i.pointer}\`: ${i.message}${i.fix ? `. Fix: ${i.fix}` : ''}`);
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}
