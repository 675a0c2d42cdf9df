import { formatIssues } from '../catalog';
import { usd } from './cost';
import { routesFlowchart } from './mermaid';
import type { ResourceChange } from './resource-changes';
import type { AuditReport, ChangeSet, EnvironmentAudit } from './types';

/** The audit as a pull-request comment: verdict first, then what changes, then what each environment is. */
export function renderMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const failing = report.environments.flatMap((e) =>
    e.gates.filter((g) => g.status === 'fail').map((g) => ({ env: e.name, g })),
  );
  const against = report.base
    ? ` against \`${report.base.ref}\` (catalog ${report.base.catalogVersion ?? 'absent'})`
    : '';
  out.push(`## Model platform audit: catalog ${report.catalogVersion ?? '(invalid)'}${against}`);
  out.push('');
  if (report.environments.length === 0) {
    out.push('**The catalog does not validate: nothing can be planned.** Fix these first (`npm run validate`):');
    out.push('', '```', formatIssues(report.validation.filter((i) => i.severity === 'error')), '```');
    return out.join('\n');
  }
  out.push(
    report.passed
      ? `**Gates pass** in ${report.environments.map((e) => e.name).join(', ')}.`
      : `**${failing.length} gate${failing.length === 1 ? '' : 's'} fail:**\n\n${failing.map(({ env, g }) => `- \`${env}\` **${g.gate}**: ${g.message} — fix: ${g.fix}`).join('\n')}`,
  );
  const waived = report.environments.flatMap((e) =>
    e.gates.filter((g) => g.status === 'waived').map((g) => ({ env: e.name, g })),
  );
  if (waived.length)
    out.push(
      '',
      `Waived: ${waived.map(({ env, g }) => `\`${env}\` ${g.gate} for ${g.subject} (${g.waiver})`).join('; ')}.`,
    );
  const gateWarnings = report.environments.flatMap((e) =>
    e.gates.filter((g) => g.status === 'warn').map((g) => ({ env: e.name, g })),
  );
  if (gateWarnings.length)
    out.push(
      '',
      `**${gateWarnings.length} gate warning${gateWarnings.length === 1 ? '' : 's'}** (reported, not failing):\n\n${gateWarnings.map(({ env, g }) => `- \`${env}\` **${g.gate}**: ${g.message} — fix: ${g.fix}`).join('\n')}`,
    );
  const warnings = report.validation.filter((i) => i.severity === 'warning' && !i.waived);
  if (warnings.length)
    out.push('', `Warnings: ${warnings.map((w) => `${w.message}${w.fix ? ` (${w.fix})` : ''}`).join('; ')}.`);

  for (const env of report.environments) out.push('', ...environmentSection(env));
  return `${out.join('\n')}\n`;
}

function environmentSection(env: EnvironmentAudit): string[] {
  const out: string[] = [];
  const regions = env.failoverRegions.length ? `${env.region}, failover ${env.failoverRegions.join(', ')}` : env.region;
  out.push(`### \`${env.name}\` (${env.tier}, ${regions}) — ${usd(env.cost.totalMonthlyUsd)}/month estimated`);
  if (env.dataResidency)
    out.push(
      '',
      `Data residency: inference may run in ${env.dataResidency.allowed.join(', ')} only${env.dataResidency.reason ? ` (${env.dataResidency.reason})` : ''}.`,
    );
  if (env.unevaluated.length) {
    out.push('', '**Could not evaluate** (the permissions gates fail for these roles):');
    for (const u of env.unevaluated)
      out.push(`- \`${u.role}\`${u.roleName ? ` (${u.roleName})` : ''}: \`${u.policy}\`: ${u.reason}`);
  }
  if (env.changes) out.push('', ...changesSection(env.changes));
  if (env.resources) out.push('', ...resourcesSection(env.resources));

  out.push('', '<details><summary>Routes, models and fallbacks</summary>', '');
  out.push('```mermaid', routesFlowchart(env), '```', '');
  out.push('| route | strategy | target | rules | fallbacks | cache |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of env.routes) {
    out.push(
      `| ${r.id} | ${r.strategy} | ${r.target} | ${r.rules.map((x) => `${x.name}: ${x.when} → ${x.target}`).join('<br/>') || '—'} | ${r.fallbacks.join(' → ') || '—'} | ${r.cache ?? '—'} |`,
    );
  }
  out.push(
    '',
    '| model | hosting | called as | Regions | lifecycle | routes |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const m of env.models) {
    out.push(
      `| ${m.id} | ${m.hosting}${m.inferenceProfile ? ` (${m.inferenceProfile} profile)` : ''} | \`${m.invokeIds.join('`, `')}\` | ${m.regions.join(', ')} | ${m.status}${m.replacement ? ` → ${m.replacement}` : ''} | ${m.routes.join(', ')} |`,
    );
  }
  out.push('', '</details>');

  out.push('', '<details><summary>Permissions: what may be invoked, where</summary>', '');
  out.push('| role | kind | Region | resource | condition |', '| --- | --- | --- | --- | --- |');
  for (const a of env.modelAccess)
    out.push(
      `| ${a.role}${a.roleName ? ` (${a.roleName})` : ''} | ${a.kind} | ${a.region || '—'} | \`${a.resource}\` | ${a.onlyViaProfile ? 'only through the inference profile' : '—'} |`,
    );
  out.push('', '</details>');
  out.push(...applicationProfilesSection(env));

  if (env.endpoints.length) {
    out.push('', '| SageMaker endpoint | model | capacity | roll-out | adapters |', '| --- | --- | --- | --- | --- |');
    for (const e of env.endpoints)
      out.push(`| ${e.endpointName} | ${e.model} | ${e.capacity} | ${e.rollout} | ${e.adapters.join(', ') || '—'} |`);
  }

  if (env.headroom) out.push('', ...headroomSection(env));
  out.push('', '<details><summary>Estimated monthly cost</summary>', '');
  out.push(
    '| route | served by | requests/day | tokens in/out per request | USD/month |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const r of env.cost.routes)
    out.push(
      `| ${r.route} | ${r.model} | ${r.requestsPerDay.toLocaleString('en-US')} | ${r.inputTokensPerRequest}/${r.outputTokensPerRequest} | ${usd(r.monthlyUsd)} |`,
    );
  for (const e of env.cost.endpoints)
    out.push(
      `| endpoint ${e.endpointName} | ${e.model} | — | ${e.capacity} | ${e.monthlyUsd === null ? `not estimated: ${e.note}` : usd(e.monthlyUsd)} |`,
    );
  out.push(
    `| **total** | | | | **${usd(env.cost.totalMonthlyUsd)}** |`,
    '',
    `Assumptions: ${env.cost.assumptions}.`,
    '',
    '</details>',
  );

  if (env.budgets.length) {
    out.push(
      '',
      "**Consumer budgets** (projected: the consumer's share of the estimated token cost above, over what the budget covers)",
      '',
      '| consumer | budget covers | share | projected USD/month | soft | budget | |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const b of env.budgets)
      out.push(
        `| ${b.consumer} | ${b.scope} | ${Math.round(b.share * 1000) / 10}% | ${usd(b.projectedUsd)} | ${b.softUsd === null ? '—' : usd(b.softUsd)} | ${usd(b.budgetUsd)} | ${b.status === 'over-budget' ? '⚠ over budget' : b.status === 'over-soft' ? 'past soft threshold' : 'within'} |`,
      );
  }

  if (env.lifecycle.length) {
    out.push('', '**Lifecycle**');
    for (const l of env.lifecycle) {
      out.push(
        `- ${l.model} is ${l.status}${l.endOfLifeOn ? `, end of life ${l.endOfLifeOn} (${l.daysLeft} days)` : ''}${l.replacement ? `; replacement ${l.replacement}` : l.suggested ? `; no replacement named, npm run select suggests ${l.suggested}` : ''}; routes: ${l.routes.join(', ')}`,
      );
    }
  }
  out.push(
    '',
    `Gates: ${[...new Set(env.gates.map((g) => g.gate))].map((gate) => `${gate} ${gateMark(env, gate)}`).join(' · ')}`,
  );
  return out;
}

/** A gate's worst result in an environment: ❌ fail, ⚠️ warn, ⚠️ waived, ✅ pass. */
/** The application inference profiles, as Cost Explorer will split Bedrock spend by their tags. */
function applicationProfilesSection(env: EnvironmentAudit): string[] {
  if (env.applicationProfiles.length === 0) return [];
  const out = [
    '',
    `<details><summary>Cost allocation: ${env.applicationProfiles.length} application inference profiles</summary>`,
    '',
    '| profile | route | model | team | Region | copies | tags |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of env.applicationProfiles)
    out.push(
      `| ${p.name} | ${p.route} | ${p.model} | ${p.consumer ?? '—'} | ${p.region} | \`${p.copyFrom}\` | ${Object.entries(
        p.tags,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')} |`,
    );
  out.push('', '</details>');
  return out;
}

function gateMark(env: EnvironmentAudit, gate: string): string {
  const statuses = new Set(env.gates.filter((g) => g.gate === gate).map((g) => g.status));
  if (statuses.has('fail')) return '❌';
  if (statuses.has('warn')) return '⚠️ warn';
  if (statuses.has('waived')) return '⚠️ waived';
  return '✅';
}

/** Each Bedrock target's peak against the quota it draws on, as the quota-headroom gate judged it. */
function headroomSection(env: EnvironmentAudit): string[] {
  const rows = env.headroom ?? [];
  const mark = { ok: '✅', warn: '⚠️', over: '❌ over', 'no-quota': '⚠️ no quota declared' } as const;
  const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
  const out = [
    "**Quota headroom** (peak = costAssumptions per minute × the environment's peak factor; tokens count output at the quota's burndown rate)",
    '',
    '| model | Region | quota | routes | peak requests/min | quota requests/min | peak tokens/min | quota tokens/min | used | |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const h of rows)
    out.push(
      `| ${h.model} | ${h.region} | ${h.invocation} (\`${h.invokeId}\`) | ${h.routes.join(', ')} | ${n(h.peakRequestsPerMinute)} | ${h.quota ? n(h.quota.requestsPerMinute) : '—'} | ${n(h.peakTokensPerMinute)} | ${h.quota ? n(h.quota.tokensPerMinute) : '—'} | ${h.usedPercent === null ? (h.quota ? 'all' : '—') : `${h.usedPercent}%`} | ${mark[h.status]} |`,
    );
  if (rows.length === 0) out.push('| (no Bedrock target with traffic assumptions) | | | | | | | | | |');
  return out;
}

function changesSection(c: ChangeSet): string[] {
  const lines: string[] = [];
  const add = (label: string, items: readonly string[]) =>
    items.length && lines.push(`- ${label}: ${items.join(', ')}`);
  add('routes added', c.routesAdded);
  add('routes removed', c.routesRemoved);
  add(
    'retargeted',
    c.retargeted.map((r) => `${r.route} ${r.from} → ${r.to}`),
  );
  add(
    'fallbacks changed',
    c.fallbacksChanged.map((r) => `${r.route} [${r.from.join(' → ')}] → [${r.to.join(' → ')}]`),
  );
  add('rules changed', c.rulesChanged);
  add('models added', c.modelsAdded);
  add('models removed', c.modelsRemoved);
  add(
    'lifecycle',
    c.lifecycleChanged.map((l) => `${l.model} ${l.from} → ${l.to}`),
  );
  add(
    'endpoints',
    c.endpointsChanged.map((e) => `${e.model}: ${e.from} → ${e.to}`),
  );
  add(
    'registry versions',
    c.registryVersionsChanged.map((v) => `${v.model}: ${v.from} → ${v.to}`),
  );
  if (c.permissionsAdded.length)
    lines.push(
      `- permissions added (${c.permissionsAdded.length}):\n${c.permissionsAdded.map((p) => `  - \`${p}\``).join('\n')}`,
    );
  if (c.permissionsRemoved.length) lines.push(`- permissions removed: ${c.permissionsRemoved.length}`);
  const pct = c.cost.deltaPercent === null ? '' : ` (${c.cost.deltaPercent > 0 ? '+' : ''}${c.cost.deltaPercent}%)`;
  if (c.cost.deltaUsd !== 0)
    lines.push(`- estimated cost: ${usd(c.cost.baseMonthlyUsd)} → ${usd(c.cost.headMonthlyUsd)} per month${pct}`);
  const risks = c.risks.map((r) => `- **${r.risk}** risk: ${r.reason}`);
  if (lines.length === 0) return ['No catalog change for this environment.'];
  return ['**What changes**', '', ...risks, ...lines];
}

function resourcesSection(changes: readonly ResourceChange[]): string[] {
  if (changes.length === 0) return ['Terraform: no resource changes.'];
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  const out = [
    `**Terraform**: ${count('create')} to add, ${count('update')} to change, ${count('replace')} to replace, ${count('delete')} to destroy.`,
    '',
  ];
  out.push('| risk | action | resource | reason |', '| --- | --- | --- | --- |');
  for (const c of changes) out.push(`| ${c.risk} | ${c.action} | \`${c.address}\` | ${c.reason} |`);
  return out;
}
