import type { EnvironmentAudit } from './types';

/**
 * A flowchart of an environment's routes and models: a route's target (solid), its content-based
 * rules (labelled), its fallback chain (dotted, numbered). GitHub renders it in PR comments.
 */
export function routesFlowchart(env: Pick<EnvironmentAudit, 'routes' | 'models'>): string {
  const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const lines = ['flowchart LR'];
  for (const r of env.routes) lines.push(`  ${id('r', r.id)}(["route ${r.id}"])`);
  for (const m of env.models) {
    const label = `${m.name}<br/>${m.hosting}${m.inferenceProfile ? ` · ${m.inferenceProfile} profile` : ''}${m.status !== 'active' ? ` · ${m.status}` : ''}`;
    lines.push(`  ${id('m', m.id)}["${label.replace(/"/g, "'")}"]`);
  }
  for (const r of env.routes) {
    lines.push(`  ${id('r', r.id)} -->|default| ${id('m', r.target)}`);
    for (const rule of r.rules) lines.push(`  ${id('r', r.id)} -->|"${rule.name}"| ${id('m', rule.target)}`);
    let from = r.target;
    r.fallbacks.forEach((fb, i) => {
      lines.push(`  ${id('m', from)} -.->|"${r.id} fallback ${i + 1}"| ${id('m', fb)}`);
      from = fb;
    });
  }
  const flagged = env.models.filter((m) => m.status !== 'active').map((m) => id('m', m.id));
  if (flagged.length) {
    lines.push('  classDef lifecycle fill:#fff3cd,stroke:#b8860b');
    lines.push(`  class ${flagged.join(',')} lifecycle`);
  }
  return lines.join('\n');
}
