import { changeSet } from '../../audit/changes';
import { estimateCost, usd } from '../../audit/cost';
import { AUDIT_GATE_CHECKS, gateResults, type GateContext } from '../../audit/gates';
import { buildAudit } from '../../audit/report';
import { auditFiles, synthStacks } from '../../audit/run';
import type { IamStatement } from '../../audit/stack-json';
import type { AuditReport, EnvironmentAudit } from '../../audit/types';
import { loadProject } from '../../catalog';
import type { CatalogIssue } from '../../catalog/issues';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../../catalog/paths';
import type { EnvironmentPlan } from '../../catalog/plan';
import { AUDIT_GATES, GATES } from '../../catalog/waivers';
import type { Environment } from '../../schemas/generated/environment';
import type { ModelCatalog, Waiver } from '../../schemas/generated/model-catalog';
import { tempProject } from '../support/project';

const TODAY = '2026-11-29';
const shipped = { catalogPath: defaultCatalogPath, environmentsDir: defaultEnvironmentsDir };
const env = (report: AuditReport, name: string): EnvironmentAudit => {
  const found = report.environments.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${name} in the report`);
  return found;
};

describe('gateResults', () => {
  const project = loadProject({ only: ['prod'], today: TODAY });
  const [prod] = project.plans;
  const withAudit = (audit: Partial<EnvironmentPlan['audit']>): EnvironmentPlan => ({
    ...calm,
    audit: { ...calm.audit, ...audit },
  });
  const wildcard: IamStatement = {
    role: 'aws_iam_role.Router_Role',
    policy: 'aws_iam_role_policy.Router_Models',
    effect: 'Allow',
    actions: ['bedrock:InvokeModel'],
    resources: ['*'],
    conditions: [],
  };
  // The shipped chat chain falls back to nova-lite, slower than its target by the priors: a warning of its own.
  const calm: EnvironmentPlan = {
    ...prod,
    routes: prod.routes.map((r) => (r.id === 'chat' ? { ...r, fallbacks: ['nova-micro'] } : r)),
  };
  const context = (extra: Partial<GateContext> = {}): GateContext => ({
    plan: calm,
    permissions: [],
    unreadable: [],
    changes: undefined,
    ...extra,
  });
  const costRise = (plan: EnvironmentPlan, requestsPerDay: number) => {
    const head = {
      ...plan,
      costAssumptions: {
        ...plan.costAssumptions,
        classify: { requestsPerDay, inputTokensPerRequest: 200, outputTokensPerRequest: 10 },
      },
    };
    return changeSet(
      { plan, permissions: [], cost: estimateCost(plan) },
      { plan: head, permissions: [], cost: estimateCost(head) },
      null,
    );
  };
  const waivedIssue = (extra: Partial<CatalogIssue>): CatalogIssue => ({
    severity: 'warning',
    rule: 'production-fallback',
    subject: 'classify',
    environment: 'prod',
    file: 'environments/prod.json',
    pointer: '/routes/2',
    message: 'production route "classify" has no fallback: one failing model would fail every request',
    waived: 'waived until 2026-12-31 by platform-leads: quota pending',
    ...extra,
  });

  it('has a check and a fix for every gate only the audit evaluates', () => {
    expect(Object.keys(AUDIT_GATE_CHECKS).sort()).toEqual([...AUDIT_GATES].sort());
  });

  it('passes every gate, in gate order, when nothing is found', () => {
    expect(gateResults(context(), [], [], TODAY)).toEqual(GATES.map((gate) => ({ gate, status: 'pass' })));
  });

  it('fails wildcard-invoke for each role that may invoke every model, with the fix', () => {
    const results = gateResults(
      context({
        permissions: [
          wildcard,
          {
            ...wildcard,
            role: 'aws_iam_role.Probe_Role',
            resources: ['arn:aws:bedrock:us-east-1::foundation-model/*'],
          },
        ],
      }),
      [],
      [],
      TODAY,
    );
    expect(results.filter((r) => r.gate === 'wildcard-invoke')).toEqual([
      {
        gate: 'wildcard-invoke',
        status: 'fail',
        subject: 'aws_iam_role.Router_Role',
        message: 'aws_iam_role.Router_Role may invoke models on * (aws_iam_role_policy.Router_Models)',
        fix: 'grant the exact model, profile and endpoint ARNs the catalog lists',
      },
      {
        gate: 'wildcard-invoke',
        status: 'fail',
        subject: 'aws_iam_role.Probe_Role',
        message:
          'aws_iam_role.Probe_Role may invoke models on arn:aws:bedrock:us-east-1::foundation-model/* (aws_iam_role_policy.Router_Models)',
        fix: 'grant the exact model, profile and endpoint ARNs the catalog lists',
      },
    ]);
  });

  it("waives an audit gate's failure with the validator's judgement and wording", () => {
    const waiver: Waiver = {
      gate: 'wildcard-invoke',
      subject: 'aws_iam_role.Router_Role',
      environments: ['prod'],
      reason: 'migration',
      approvedBy: 'security',
      expires: '2026-12-31',
    };
    expect(
      gateResults(context({ permissions: [wildcard] }), [], [waiver], TODAY).find((r) => r.gate === 'wildcard-invoke'),
    ).toEqual({
      gate: 'wildcard-invoke',
      status: 'waived',
      subject: 'aws_iam_role.Router_Role',
      message: 'aws_iam_role.Router_Role may invoke models on * (aws_iam_role_policy.Router_Models)',
      waiver: 'waived until 2026-12-31 by security: migration',
    });
    expect(
      gateResults(context({ permissions: [wildcard] }), [], [waiver], '2027-01-01').find(
        (r) => r.gate === 'wildcard-invoke',
      )?.status,
    ).toBe('fail');
    const disabled = context({
      permissions: [wildcard],
      plan: withAudit({ disabledGates: ['wildcard-invoke'] }),
    });
    expect(gateResults(disabled, [], [], TODAY).find((r) => r.gate === 'wildcard-invoke')).toMatchObject({
      status: 'waived',
      waiver: 'gate wildcard-invoke is disabled in prod',
    });
  });

  it('fails cost-increase above the threshold only, 25% unless the environment sets its own', () => {
    const rise = costRise(prod, 5_000_000);
    const percent = rise.cost.deltaPercent ?? Number.NaN;
    expect(percent).toBeGreaterThan(25);
    const gate = (ctx: GateContext) => gateResults(ctx, [], [], TODAY).find((r) => r.gate === 'cost-increase');
    expect(gate(context({ changes: rise }))).toEqual({
      gate: 'cost-increase',
      status: 'fail',
      subject: 'prod',
      message: `estimated monthly cost rises ${percent}% (${usd(rise.cost.baseMonthlyUsd)} -> ${usd(rise.cost.headMonthlyUsd)}), above the 25% threshold`,
      fix: 'check the traffic assumptions and targets, or waive the gate with a reason',
    });
    const threshold = (costIncreaseThresholdPercent: number): GateContext =>
      context({ changes: rise, plan: withAudit({ costIncreaseThresholdPercent }) });
    expect(gate(threshold(percent))).toEqual({ gate: 'cost-increase', status: 'pass' });
    expect(gate(threshold(percent - 1))).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(new RegExp(`above the ${percent - 1}% threshold$`)),
    });
    expect(gate(context({ changes: costRise(prod, 600_000) }))).toEqual({ gate: 'cost-increase', status: 'pass' });
  });

  it('passes cost-increase without a base, or against a base that cost nothing', () => {
    const free = {
      ...prod,
      costAssumptions: {},
      routes: prod.routes.filter((r) => r.id !== 'support'),
      models: prod.models.filter((m) => m.hosting.type === 'bedrock'),
    };
    const fromNothing = costRise(free, 5_000_000);
    expect(fromNothing.cost.deltaPercent).toBeNull();
    expect(
      gateResults(context({ changes: fromNothing }), [], [], TODAY).find((r) => r.gate === 'cost-increase')?.status,
    ).toBe('pass');
    expect(
      gateResults(context({ changes: undefined }), [], [], TODAY).find((r) => r.gate === 'cost-increase')?.status,
    ).toBe('pass');
  });

  it("shows the validator's gates it accepted, of this environment or the whole catalog, first in gate order", () => {
    const issues = [
      waivedIssue({}),
      waivedIssue({ environment: 'staging', subject: 'chat' }),
      waivedIssue({
        rule: 'retired-model',
        subject: 'titan-text-express',
        environment: undefined,
        file: 'model-catalog.json',
        waived: 'waived until 2026-12-31: kept for one release',
      }),
      waivedIssue({ rule: 'lifecycle-use', subject: 'command-r' }),
      waivedIssue({ rule: 'end-of-life', subject: 'command-r', waived: undefined, severity: 'error' }),
    ];
    const results = gateResults(context({ permissions: [wildcard] }), issues, [], TODAY);
    expect(results.map((r) => [r.gate, r.status, r.subject])).toEqual([
      ['retired-model', 'waived', 'titan-text-express'],
      ['preview-in-production', 'pass', undefined],
      ['production-fallback', 'waived', 'classify'],
      ['end-of-life', 'pass', undefined],
      ['wildcard-invoke', 'fail', 'aws_iam_role.Router_Role'],
      ['cost-increase', 'pass', undefined],
      ['data-residency', 'pass', undefined],
      ['quota-headroom', 'pass', undefined],
      ['production-retarget-evidence', 'pass', undefined],
      ['fallback-degradation', 'pass', undefined],
    ]);
    expect(results[2]).toEqual({
      gate: 'production-fallback',
      status: 'waived',
      subject: 'classify',
      message: issues[0].message,
      waiver: 'waived until 2026-12-31 by platform-leads: quota pending',
    });
  });
});

describe('the gates in a whole audit', () => {
  it('raises traffic: the cost-increase gate fails with its fix, and a waiver accepts it', () => {
    const raise = (_c: ModelCatalog, e: Record<string, Environment>) => {
      e.prod.costAssumptions!.code = {
        requestsPerDay: 60000,
        inputTokensPerRequest: 3000,
        outputTokensPerRequest: 800,
      };
    };
    const auditChange = (change: (c: ModelCatalog, e: Record<string, Environment>) => void) =>
      auditFiles(tempProject(change), { ref: 'base', files: shipped }, { today: TODAY });
    const report = auditChange(raise);
    const gate = env(report, 'prod').gates.find((g) => g.gate === 'cost-increase')!;
    expect(report.passed).toBe(false);
    expect(gate).toMatchObject({
      status: 'fail',
      subject: 'prod',
      fix: 'check the traffic assumptions and targets, or waive the gate with a reason',
    });
    expect(gate.message).toMatch(
      /^estimated monthly cost rises \d+(\.\d)?% \(\$[\d,.]+ -> \$[\d,.]+\), above the 25% threshold$/,
    );
    expect(env(report, 'staging').gates.filter((g) => g.status === 'fail')).toEqual([]);

    const waived = auditChange((c, e) => {
      raise(c, e);
      c.waivers = [
        {
          gate: 'cost-increase',
          subject: 'prod',
          reason: 'code review launch for all teams, budget approved',
          expires: '2027-01-31',
        },
      ];
    });
    expect(waived.passed).toBe(true);
    expect(env(waived, 'prod').gates.find((g) => g.gate === 'cost-increase')).toMatchObject({
      status: 'waived',
      waiver: 'waived until 2027-01-31: code review launch for all teams, budget approved',
    });
  });

  it('fails the wildcard-invoke gate when a role may invoke models on Resource "*"', () => {
    const project = loadProject({ only: ['dev'], today: TODAY });
    const stacks = synthStacks(project.plans);
    const stack = stacks.get('dev') as {
      data: { aws_iam_policy_document: Record<string, { statement: { actions: string[]; resources: string[] }[] }> };
    };
    const docs = Object.values(stack.data.aws_iam_policy_document);
    const invoke = docs.find((d) => d.statement?.some((s) => s.actions.includes('bedrock:InvokeModel')))!;
    invoke.statement.push({ actions: ['bedrock:InvokeModel'], resources: ['*'] });
    const report = buildAudit({ project, issues: [], stacks }, { today: TODAY });
    expect(report.passed).toBe(false);
    expect(env(report, 'dev').gates.find((g) => g.gate === 'wildcard-invoke')).toMatchObject({
      status: 'fail',
      fix: 'grant the exact model, profile and endpoint ARNs the catalog lists',
    });
  });

  it('shows a waived catalog-wide gate in every environment', () => {
    const report = auditFiles(
      tempProject((c) => {
        c.models.find((m) => m.id === 'mistral-large')!.lifecycle = { status: 'retired', replacement: 'command-r' };
        c.waivers = [
          {
            gate: 'retired-model',
            subject: 'mistral-large',
            reason: 'Bedrock still serves it until the move',
            expires: '2026-12-31',
          },
        ];
      }),
      undefined,
      { today: TODAY },
    );
    const retired = report.validation.filter((i) => i.rule === 'retired-model');
    expect(retired.length).toBeGreaterThan(0);
    expect(retired.every((i) => i.severity === 'warning' && i.environment === undefined)).toBe(true);
    for (const e of report.environments) {
      expect(e.gates.filter((g) => g.gate === 'retired-model')).toContainEqual({
        gate: 'retired-model',
        status: 'waived',
        subject: 'mistral-large',
        message: 'route "translate" uses retired model "mistral-large": its requests would fail',
        waiver: 'waived until 2026-12-31: Bedrock still serves it until the move',
      });
    }
  });
});
