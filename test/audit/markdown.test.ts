import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { renderMarkdown } from '../../audit/markdown';
import { loadProject } from '../../catalog';
import { auditFiles } from '../../audit/run';
import { defaultCatalogPath, defaultEnvironmentsDir, projectRoot } from '../../catalog/paths';
import { tempProject } from '../support/project';

const shipped = { catalogPath: defaultCatalogPath, environmentsDir: defaultEnvironmentsDir };

describe('the Markdown report', () => {
  const head = tempProject(
    (c) => ((c.routes[2].target = 'nova-micro'), (c.routes[2].fallbacks = ['claude-haiku-4-5'])),
  );
  const report = auditFiles(head, { ref: 'base', files: shipped }, { today: '2026-11-29' });
  const markdown = renderMarkdown(report);

  it('leads with the verdict and shows what changes', () => {
    const version = loadProject().catalog.version;
    expect(markdown.split('\n')[0]).toBe(
      `## Model platform audit: catalog ${version} against \`base\` (catalog ${version})`,
    );
    expect(markdown).toContain('**Gates pass** in dev, staging, prod.');
    expect(markdown).toContain('- retargeted: classify claude-haiku-4-5 → nova-micro');
    expect(markdown).toContain('- **high** risk: production routing change: classify');
  });

  it('carries Mermaid flowcharts that the real Mermaid parser accepts', () => {
    const diagrams = [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(diagrams).toHaveLength(3);
    const parsed = JSON.parse(
      execFileSync(process.execPath, [join(projectRoot, 'test/support/mermaid-parse.mjs')], {
        input: JSON.stringify([...diagrams, 'flowchart LR\n  a[ --> ']),
        encoding: 'utf8',
      }),
    ) as { ok: boolean; type?: string }[];
    expect(parsed.slice(0, 3)).toEqual([
      { ok: true, type: 'flowchart-v2' },
      { ok: true, type: 'flowchart-v2' },
      { ok: true, type: 'flowchart-v2' },
    ]);
    // The parser really rejects a broken diagram, so the check above can fail.
    expect(parsed[3].ok).toBe(false);
  });
});
