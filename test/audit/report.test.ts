import { renderMarkdown } from '../../audit/markdown';
import { blockedAudit, buildAudit } from '../../audit/report';
import { auditFiles, synthStacks } from '../../audit/run';
import type { AuditReport, EnvironmentAudit } from '../../audit/types';
import { loadProject } from '../../catalog';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../../catalog/paths';
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

  it('shows no changes and fails no gate; its warnings are fallback chains that get slower or dearer by the priors', () => {
    expect(report.passed).toBe(true);
    for (const e of report.environments) {
      expect(e.resources).toEqual([]);
      expect(e.changes).toMatchObject({
        routesAdded: [],
        retargeted: [],
        fallbacksChanged: [],
        permissionsAdded: [],
        permissionsRemoved: [],
        risks: [],
        cost: { deltaUsd: 0 },
      });
      const slowerChat =
        'route "chat" degrades out of order: nova-lite after claude-haiku-4-5 is slower (p50 1500 ms prior against 600 ms prior)';
      // dev targets cheap models and falls back to dearer or slower ones on purpose: the gate says so, as a warning.
      const expected: Record<string, [string, string][]> = {
        dev: [
          [
            'code',
            'route "code" degrades out of order: nova-lite after claude-haiku-4-5 is slower (p50 1500 ms prior against 600 ms prior)',
          ],
          [
            'classify',
            'route "classify" degrades out of order: claude-haiku-4-5 after nova-micro is dearer ($0.2500 against $0.0084 per 1,000 requests)',
          ],
        ],
        staging: [['chat', slowerChat]],
        prod: [['chat', slowerChat]],
      };
      expect(e.gates.filter((g) => g.status !== 'pass').map((g) => [g.gate, g.status, g.subject, g.message])).toEqual(
        expected[e.name].map(([subject, message]) => ['fallback-degradation', 'warn', subject, message]),
      );
      expect(e.unevaluated).toEqual([]);
      expect(e.headroom?.every((h) => h.status === 'ok')).toBe(true);
    }
  });
});

describe('golden audits of catalog changes', () => {
  it('adds a model: the model, the grants it needs and a production routing change', () => {
    const report = auditChange((c) => {
      c.models.push({
        ...structuredClone(c.models.find((m) => m.id === 'nova-lite')!),
        id: 'nova-pro',
        name: 'Amazon Nova Pro',
        hosting: {
          type: 'bedrock',
          modelId: 'amazon.nova-pro-v1:0',
          regions: ['us-east-1'],
          inferenceProfiles: [{ geography: 'us', regions: ['us-east-1', 'us-east-2', 'us-west-2'] }],
        },
        pricing: {
          inputPerMillionTokensUsd: 0.8,
          outputPerMillionTokensUsd: 3.2,
          source: 'Amazon Bedrock on-demand pricing, us-east-1',
          asOf: '2026-11-01',
        },
      });
      c.routes[0].fallbacks = ['nova-pro', 'nova-lite', 'nova-micro'];
    });
    const prod = env(report, 'prod');
    expect(prod.changes).toMatchObject({
      modelsAdded: ['nova-pro'],
      fallbacksChanged: [
        { route: 'chat', from: ['nova-lite', 'nova-micro'], to: ['nova-pro', 'nova-lite', 'nova-micro'] },
      ],
    });
    expect(prod.changes!.permissionsAdded).toContain(
      'aws_iam_role.Router_Role_7AB539C7 bedrock:InvokeModel arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.amazon.nova-pro-v1:0',
    );
    expect(prod.changes!.risks.map((r) => r.reason)).toEqual([
      'production routing change: chat',
      expect.stringMatching(/^permission widened: \d+ new grants$/),
    ]);
    expect(prod.resources!.find((r) => r.type === 'aws_appconfig_hosted_configuration_version')).toMatchObject({
      action: 'replace',
      risk: 'high',
      reason: 'production routing table changed: AppConfig rolls it out with alarm rollback',
    });
    // dev overrides chat's fallbacks, so the new model does not reach it.
    expect(env(report, 'dev').changes).toMatchObject({ modelsAdded: [], fallbacksChanged: [] });
    expect(report.passed).toBe(true);
  });

  it('retargets a route: the move, the cheaper cost and the routing-table roll-out', () => {
    const report = auditChange((c) => {
      c.routes[2].target = 'nova-micro';
      c.routes[2].fallbacks = ['claude-haiku-4-5'];
    });
    const prod = env(report, 'prod');
    expect(prod.changes!.retargeted).toEqual([{ route: 'classify', from: 'claude-haiku-4-5', to: 'nova-micro' }]);
    expect(prod.changes!.cost.deltaUsd).toBeLessThan(0);
    expect(prod.changes!.risks[0]).toEqual({ risk: 'high', reason: 'production routing change: classify' });
    expect(prod.changes!.permissionsAdded).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('retires a model in use: the retired-model gate fails before anything is planned', () => {
    const report = auditChange((c) => {
      c.models.find((m) => m.id === 'mistral-large')!.lifecycle = { status: 'retired', replacement: 'nova-lite' };
    });
    expect(report.passed).toBe(false);
    expect(report.environments).toEqual([]);
    const retired = report.validation.filter((i) => i.rule === 'retired-model' && i.severity === 'error');
    expect(retired.map((i) => i.pointer)).toEqual(['/routes/0/rules/4/target', '/routes/3/target']);
    expect(retired[0].fix).toBe('use its replacement "nova-lite"');
    expect(renderMarkdown(report)).toContain('**The catalog does not validate: nothing can be planned.**');
  });

  it('widens a permission: a new failover Region grants the models there, flagged high', () => {
    const report = auditChange((_c, e) => {
      e.staging.failoverRegions = ['us-west-2', 'us-east-2'];
    });
    const staging = env(report, 'staging');
    expect(staging.changes!.permissionsAdded).toContain(
      'aws_iam_role.Router_Role_7AB539C7 bedrock:InvokeModel arn:aws:bedrock:us-east-2:222222222222:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
    expect(staging.changes!.risks).toContainEqual({
      risk: 'high',
      reason: expect.stringMatching(/^permission widened: \d+ new grants$/),
    });
    expect(staging.resources!.find((r) => r.type === 'aws_iam_role_policy' && r.risk === 'high')?.reason).toMatch(
      /^permission widened: \d+ new resources granted$/,
    );
    expect(env(report, 'prod').changes!.permissionsAdded).toEqual([]);
  });

  it('changes a SageMaker instance type: a new endpoint configuration rolled out blue/green', () => {
    const report = auditChange((_c, e) => {
      e.prod.sagemaker!.endpoints!['llama-3-8b-support-lora'] = {
        mode: 'instances',
        instanceType: 'ml.g5.4xlarge',
        instanceCount: 2,
        instanceHourUsd: 2.03,
      };
    });
    const prod = env(report, 'prod');
    expect(prod.changes!.endpointsChanged).toEqual([
      {
        model: 'llama-3-8b-support-lora',
        from: '2 × ml.g5.2xlarge; blue/green canary 50%, bake 600 s, alarm rollback',
        to: '2 × ml.g5.4xlarge; blue/green canary 50%, bake 600 s, alarm rollback',
      },
    ]);
    const configs = prod.resources!.filter((r) => r.type === 'aws_sagemaker_endpoint_configuration');
    expect(configs.length).toBeGreaterThan(0);
    expect(configs.every((r) => r.risk === 'medium' && /blue\/green/.test(r.reason))).toBe(true);
    expect(prod.resources!.some((r) => r.type === 'aws_sagemaker_endpoint' && r.action === 'replace')).toBe(false);
    // The primary endpoint and prod's DR endpoint in us-west-2, each 2 instances all month.
    expect(prod.changes!.cost.headMonthlyUsd - prod.changes!.cost.baseMonthlyUsd).toBeCloseTo(
      2 * 2 * 730 * (2.03 - 1.515),
      1,
    );
  });
});

describe('buildAudit', () => {
  const project = loadProject({ only: ['dev'], today: TODAY });
  const report = buildAudit(
    { project, issues: project.warnings, stacks: synthStacks(project.plans) },
    { today: TODAY },
  );

  it('without a base, shows what each environment gets and no changes', () => {
    expect(report).toMatchObject({
      catalogVersion: project.catalog.version,
      passed: true,
      validation: project.warnings,
    });
    expect(report).not.toHaveProperty('base');
    const [dev] = report.environments;
    expect(Object.keys(dev)).toEqual([
      'name',
      'tier',
      'region',
      'failoverRegions',
      'routes',
      'models',
      'permissions',
      'unevaluated',
      'dataResidency',
      'headroom',
      'modelAccess',
      'applicationProfiles',
      'endpoints',
      'cost',
      'budgets',
      'lifecycle',
      'gates',
    ]);
    expect(dev.routes.map((r) => r.id)).toEqual(project.plans[0].routes.map((r) => r.id));
    expect(dev.models.map((m) => m.id)).toEqual(project.plans[0].models.map((m) => m.id));
    expect(dev.permissions.length).toBeGreaterThan(0);
    expect(dev.modelAccess.length).toBeGreaterThan(0);
  });

  it('says whether the base validated, and reports a blocked head with no environments', () => {
    const against = buildAudit(
      { project, issues: [], stacks: synthStacks(project.plans) },
      { today: TODAY, base: { ref: 'v1', catalogVersion: null } },
    );
    expect(against.base).toEqual({ ref: 'v1', catalogVersion: null, valid: false });
    expect(against.environments[0].changes?.routesAdded).toEqual(project.plans[0].routes.map((r) => r.id));
    expect(blockedAudit('1', [], { ref: 'v1', catalogVersion: '0', valid: true })).toEqual({
      catalogVersion: '1',
      base: { ref: 'v1', catalogVersion: '0', valid: true },
      passed: false,
      validation: [],
      environments: [],
    });
  });
});
