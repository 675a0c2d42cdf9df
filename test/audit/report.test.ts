import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { renderMarkdown } from '../../audit/markdown';
import { auditFiles, synthStacks } from '../../audit/run';
import { buildAudit } from '../../audit/report';
import type { AuditReport, EnvironmentAudit } from '../../audit/types';
import { loadProject } from '../../catalog';
import { defaultCatalogPath, defaultEnvironmentsDir, projectRoot } from '../../catalog/paths';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import type { Environment } from '../../schemas/generated/environment';
import { tempProject } from '../support/project';

const TODAY = '2026-11-29';
const shipped = { catalogPath: defaultCatalogPath, environmentsDir: defaultEnvironmentsDir };

/** The audit of the shipped catalog changed by `change`, against the shipped catalog as the base. */
function auditChange(change: (c: ModelCatalog, e: Record<string, Environment>) => void, only?: string[]): AuditReport {
  const head = tempProject(change);
  return auditFiles(head, { ref: 'base', files: shipped }, { today: TODAY, only });
}

const env = (report: AuditReport, name: string): EnvironmentAudit => report.environments.find((e) => e.name === name)!;

describe('the audit of the shipped catalog against itself', () => {
  const report = auditFiles(shipped, { ref: 'HEAD', files: shipped }, { today: TODAY });

  it('shows no changes and passes every gate', () => {
    expect(report.passed).toBe(true);
    for (const e of report.environments) {
      expect(e.resources).toEqual([]);
      expect(e.changes).toMatchObject({ routesAdded: [], retargeted: [], fallbacksChanged: [], permissionsAdded: [], permissionsRemoved: [], risks: [], cost: { deltaUsd: 0 } });
      expect(e.gates.every((g) => g.status === 'pass')).toBe(true);
    }
  });

  it('lists what each environment may invoke, from the synthesized IAM, with no wildcard', () => {
    const prod = env(report, 'prod');
    const resources = prod.modelAccess.map((a) => a.resource);
    expect(resources).toContain('arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(resources).toContain('arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0');
    expect(resources.some((r) => r.includes('*'))).toBe(false);
    expect(prod.modelAccess.find((a) => a.resource === 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0')?.onlyViaProfile).toBe(true);
  });

  it('estimates cost from the traffic assumptions and prices, instance-hours included', () => {
    const prod = env(report, 'prod');
    // classify: 500,000 requests/day × (200 × $0.25 + 10 × $1.25) / 1M tokens × 30.4 days
    expect(prod.cost.routes.find((r) => r.route === 'classify')).toMatchObject({ model: 'claude-3-haiku', monthlyUsd: 950 });
    // 2 × ml.g5.2xlarge at $1.515/hour for 730 hours
    expect(prod.cost.endpoints).toEqual([expect.objectContaining({ model: 'llama-3-8b-support-lora', capacity: '2 × ml.g5.2xlarge', monthlyUsd: 2211.9 })]);
    expect(prod.cost.totalMonthlyUsd).toBeCloseTo(Object.values(prod.cost.byModel).reduce((a, b) => a + b, 0), 2);
  });
});

describe('golden audits of catalog changes', () => {
  it('adds a model: the model, the grants it needs and a production routing change', () => {
    const report = auditChange((c) => {
      c.models.push({ ...structuredClone(c.models.find((m) => m.id === 'nova-lite')!), id: 'nova-pro', name: 'Amazon Nova Pro', hosting: { type: 'bedrock', modelId: 'amazon.nova-pro-v1:0', regions: ['us-east-1'], inferenceProfiles: [{ geography: 'us', regions: ['us-east-1', 'us-east-2', 'us-west-2'] }] }, pricing: { inputPerMillionTokensUsd: 0.8, outputPerMillionTokensUsd: 3.2, source: 'Amazon Bedrock on-demand pricing, us-east-1', asOf: '2026-11-01' } });
      c.routes[0].fallbacks = ['nova-pro', 'nova-lite', 'nova-micro'];
    });
    const prod = env(report, 'prod');
    expect(prod.changes).toMatchObject({ modelsAdded: ['nova-pro'], fallbacksChanged: [{ route: 'chat', from: ['nova-lite', 'nova-micro'], to: ['nova-pro', 'nova-lite', 'nova-micro'] }] });
    expect(prod.changes!.permissionsAdded).toContain('aws_iam_role.Router_Role_7AB539C7 bedrock:InvokeModel arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.amazon.nova-pro-v1:0');
    expect(prod.changes!.risks.map((r) => r.reason)).toEqual(['production routing change: chat', expect.stringMatching(/^permission widened: \d+ new grants$/)]);
    expect(prod.resources!.find((r) => r.type === 'aws_appconfig_hosted_configuration_version')).toMatchObject({ action: 'replace', risk: 'high', reason: 'production routing table changed: AppConfig rolls it out with alarm rollback' });
    // dev overrides chat's fallbacks, so the new model does not reach it.
    expect(env(report, 'dev').changes).toMatchObject({ modelsAdded: [], fallbacksChanged: [] });
    expect(report.passed).toBe(true);
  });

  it('retargets a route: the move, the cheaper cost and the routing-table roll-out', () => {
    const report = auditChange((c) => {
      c.routes[2].target = 'nova-micro';
      c.routes[2].fallbacks = ['claude-3-haiku'];
    });
    const prod = env(report, 'prod');
    expect(prod.changes!.retargeted).toEqual([{ route: 'classify', from: 'claude-3-haiku', to: 'nova-micro' }]);
    expect(prod.changes!.cost.deltaUsd).toBeLessThan(0);
    expect(prod.changes!.risks[0]).toEqual({ risk: 'high', reason: 'production routing change: classify' });
    expect(prod.changes!.permissionsAdded).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('retires a model in use: the retired-model gate fails before anything is planned', () => {
    const report = auditChange((c) => {
      c.models.find((m) => m.id === 'mistral-large')!.lifecycle = { status: 'retired', replacement: 'command-r' };
    });
    expect(report.passed).toBe(false);
    expect(report.environments).toEqual([]);
    const retired = report.validation.filter((i) => i.rule === 'retired-model' && i.severity === 'error');
    expect(retired.map((i) => i.pointer)).toEqual(['/routes/0/rules/4/target', '/routes/3/target']);
    expect(retired[0].fix).toBe('use its replacement "command-r"');
    expect(renderMarkdown(report)).toContain('**The catalog does not validate: nothing can be planned.**');
  });

  it('widens a permission: a new failover Region grants the models there, flagged high', () => {
    const report = auditChange((_c, e) => {
      e.staging.failoverRegions = ['us-west-2', 'us-east-2'];
    });
    const staging = env(report, 'staging');
    expect(staging.changes!.permissionsAdded).toContain('aws_iam_role.Router_Role_7AB539C7 bedrock:InvokeModel arn:aws:bedrock:us-east-2:222222222222:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(staging.changes!.risks).toContainEqual({ risk: 'high', reason: expect.stringMatching(/^permission widened: \d+ new grants$/) });
    expect(staging.resources!.find((r) => r.type === 'aws_iam_role_policy' && r.risk === 'high')?.reason).toMatch(/^permission widened: \d+ new resources granted$/);
    expect(env(report, 'prod').changes!.permissionsAdded).toEqual([]);
  });

  it('changes a SageMaker instance type: a new endpoint configuration rolled out blue/green', () => {
    const report = auditChange((_c, e) => {
      e.prod.sagemaker!.endpoints!['llama-3-8b-support-lora'] = { mode: 'instances', instanceType: 'ml.g5.4xlarge', instanceCount: 2, instanceHourUsd: 2.03 };
    });
    const prod = env(report, 'prod');
    expect(prod.changes!.endpointsChanged).toEqual([
      { model: 'llama-3-8b-support-lora', from: '2 × ml.g5.2xlarge; blue/green canary 50%, bake 600 s, alarm rollback', to: '2 × ml.g5.4xlarge; blue/green canary 50%, bake 600 s, alarm rollback' },
    ]);
    const configs = prod.resources!.filter((r) => r.type === 'aws_sagemaker_endpoint_configuration');
    expect(configs.length).toBeGreaterThan(0);
    expect(configs.every((r) => r.risk === 'medium' && /blue\/green/.test(r.reason))).toBe(true);
    expect(prod.resources!.some((r) => r.type === 'aws_sagemaker_endpoint' && r.action === 'replace')).toBe(false);
    expect(prod.changes!.cost.headMonthlyUsd - prod.changes!.cost.baseMonthlyUsd).toBeCloseTo(2 * 730 * (2.03 - 1.515), 1);
  });

  it('raises traffic: the cost-increase gate fails with its fix, and a waiver accepts it', () => {
    const raise = (_c: ModelCatalog, e: Record<string, Environment>) => {
      e.prod.costAssumptions!.code = { requestsPerDay: 60000, inputTokensPerRequest: 3000, outputTokensPerRequest: 800 };
    };
    const report = auditChange(raise);
    const gate = env(report, 'prod').gates.find((g) => g.gate === 'cost-increase')!;
    expect(report.passed).toBe(false);
    expect(gate).toMatchObject({ status: 'fail', subject: 'prod', fix: 'check the traffic assumptions and targets, or waive the gate with a reason' });
    expect(gate.message).toMatch(/^estimated monthly cost rises \d+(\.\d)?% \(\$[\d,.]+ -> \$[\d,.]+\), above the 25% threshold$/);
    expect(env(report, 'staging').gates.every((g) => g.status === 'pass')).toBe(true);

    const waived = auditChange((c, e) => {
      raise(c, e);
      c.waivers = [{ gate: 'cost-increase', subject: 'prod', reason: 'code review launch for all teams, budget approved', expires: '2027-01-31' }];
    });
    expect(waived.passed).toBe(true);
    expect(env(waived, 'prod').gates.find((g) => g.gate === 'cost-increase')).toMatchObject({ status: 'waived', waiver: 'waived until 2027-01-31: code review launch for all teams, budget approved' });
  });

  it('fails the wildcard-invoke gate when a role may invoke models on Resource "*"', () => {
    const project = loadProject({ only: ['dev'], today: TODAY });
    const stacks = synthStacks(project.plans);
    const stack = stacks.get('dev') as { data: { aws_iam_policy_document: Record<string, { statement: { actions: string[]; resources: string[] }[] }> } };
    const docs = Object.values(stack.data.aws_iam_policy_document);
    const invoke = docs.find((d) => d.statement?.some((s) => s.actions.includes('bedrock:InvokeModel')))!;
    invoke.statement.push({ actions: ['bedrock:InvokeModel'], resources: ['*'] });
    const report = buildAudit({ project, issues: [], stacks }, { today: TODAY });
    expect(report.passed).toBe(false);
    expect(env(report, 'dev').gates.find((g) => g.gate === 'wildcard-invoke')).toMatchObject({ status: 'fail', fix: 'grant the exact model, profile and endpoint ARNs the catalog lists' });
  });
});

describe('the Markdown report', () => {
  const report = auditChange((c) => (c.routes[2].target = 'nova-micro', (c.routes[2].fallbacks = ['claude-3-haiku'])));
  const markdown = renderMarkdown(report);

  it('leads with the verdict and shows what changes', () => {
    expect(markdown.split('\n')[0]).toBe('## Model platform audit: catalog 2026.11.29-1 against `base` (catalog 2026.11.29-1)');
    expect(markdown).toContain('**Gates pass** in dev, staging, prod.');
    expect(markdown).toContain('- retargeted: classify claude-3-haiku → nova-micro');
    expect(markdown).toContain('- **high** risk: production routing change: classify');
  });

  it('carries Mermaid flowcharts that the real Mermaid parser accepts', () => {
    const diagrams = [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(diagrams).toHaveLength(3);
    const parsed = JSON.parse(execFileSync(process.execPath, [join(projectRoot, 'test/support/mermaid-parse.mjs')], { input: JSON.stringify([...diagrams, 'flowchart LR\n  a[ --> ']), encoding: 'utf8' })) as { ok: boolean; type?: string }[];
    expect(parsed.slice(0, 3)).toEqual([
      { ok: true, type: 'flowchart-v2' },
      { ok: true, type: 'flowchart-v2' },
      { ok: true, type: 'flowchart-v2' },
    ]);
    // The parser really rejects a broken diagram, so the check above can fail.
    expect(parsed[3].ok).toBe(false);
  });
});
