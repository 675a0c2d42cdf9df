import { changeSet } from '../../audit/changes';
import { estimateCost, usd } from '../../audit/cost';
import { AUDIT_GATE_CHECKS, gateResults, type GateContext } from '../../audit/gates';
import { renderMarkdown } from '../../audit/markdown';
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
      ['consumer-budget', 'pass', undefined],
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
        c.models.find((m) => m.id === 'mistral-large')!.lifecycle = { status: 'retired', replacement: 'nova-lite' };
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

describe('the gates no gateway has', () => {
  const audit = (change: (c: ModelCatalog, e: Record<string, Environment>) => void, against?: 'shipped') =>
    auditFiles(tempProject(change), against ? { ref: 'base', files: shipped } : undefined, {
      today: TODAY,
      only: ['prod'],
    });
  const gatesOf = (report: AuditReport, gate: string) => env(report, 'prod').gates.filter((g) => g.gate === gate);
  const SONNET_US: [string, ...string[]] = ['us-east-1', 'us-east-2', 'us-west-2'];

  it('fails data-residency for a global profile in a us-only environment, per route, with the fix', () => {
    const report = audit((c) => {
      const sonnet = c.models.find((m) => m.id === 'claude-sonnet-4')!;
      if (sonnet.hosting.type !== 'bedrock') throw new Error('claude-sonnet-4 should be on Bedrock');
      sonnet.hosting.inferenceProfiles = [{ geography: 'global', regions: SONNET_US }];
    });
    expect(report.passed).toBe(false);
    // Called in the primary Region, then in each failover Region, in the environment's order.
    const leak =
      'claude-sonnet-4 called as global.anthropic.claude-sonnet-4-20250514-v1:0 in us-east-1, us-west-2, us-east-2 (a global profile) may run in any commercial Region';
    const allowed = 'us (confidential data (data-classification tag) stays in US Regions)';
    expect(gatesOf(report, 'data-residency')).toEqual(
      ['chat', 'code'].map((route) => ({
        gate: 'data-residency',
        status: 'fail',
        subject: route,
        message: `route "${route}": ${leak}; allowed: ${allowed}`,
        fix: "call the model through a profile (or in a Region) inside the environment's dataResidency.allowed, choose another candidate, or remove the failover Region",
      })),
    );
  });

  it('fails data-residency for a failover Region and profile destinations outside the allowed Regions', () => {
    const report = audit((_c, e) => {
      e.prod.dataResidency = { allowed: ['us-east-1', 'us-east-2'] };
    });
    const found = gatesOf(report, 'data-residency');
    expect(found.map((g) => [g.status, g.subject])).toEqual([
      ['fail', 'chat'],
      ['fail', 'code'],
      ['fail', 'classify'],
      ['fail', 'translate'],
      ['fail', 'support'],
      ['fail', 'prod'],
    ]);
    expect(found.at(-1)?.message).toBe('failover Region us-west-2 of prod outside the allowed us-east-1, us-east-2');
    expect(found[3].message).toContain(
      'mistral-large called as mistral.mistral-large-2402-v1:0 in us-west-2 may run in us-west-2',
    );
  });

  it('fails quota-headroom for a route whose assumed peak exceeds the declared quota, warns near it, and shows the table', () => {
    const withSonnetQuota = (tokensPerMinute: number) =>
      audit((_c, e) => {
        const q = e.prod.quotas!.bedrock.find((b) => b.model === 'claude-sonnet-4')!;
        q.tokensPerMinute = tokensPerMinute;
      });
    const over = withSonnetQuota(200_000);
    expect(over.passed).toBe(false);
    expect(gatesOf(over, 'quota-headroom')).toEqual([
      {
        gate: 'quota-headroom',
        status: 'fail',
        subject: 'claude-sonnet-4@us-east-1',
        message:
          'claude-sonnet-4 cross-region in us-east-1: peak 41.7 requests and 291666.7 tokens a minute (routes code) uses 145.8% of its quota (500 requests, 200000 tokens a minute): requests will be throttled at peak',
        fix: 'request a quota increase (Service Quotas, Amazon Bedrock) and record the applied figure in quotas.bedrock, spread the load over a cross-Region profile, or lower the traffic assumption',
      },
    ]);
    // 20,000 code requests a day = 13.9 a minute, × peak factor 3; each 3,000 in + 5 × 800 out quota tokens.
    expect(env(over, 'prod').headroom?.find((h) => h.model === 'claude-sonnet-4')).toEqual({
      model: 'claude-sonnet-4',
      region: 'us-east-1',
      invocation: 'cross-region',
      invokeId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      routes: ['code'],
      peakRequestsPerMinute: 41.7,
      peakTokensPerMinute: 291666.7,
      quota: { requestsPerMinute: 500, tokensPerMinute: 200000, outputTokenBurndown: 5, source: expect.any(String) },
      usedPercent: 145.8,
      status: 'over',
    });
    expect(renderMarkdown(over)).toContain(
      '| claude-sonnet-4 | us-east-1 | cross-region (`us.anthropic.claude-sonnet-4-20250514-v1:0`) | code | 41.7 | 500 | 291,666.7 | 200,000 | 145.8% | ❌ over |',
    );

    const near = withSonnetQuota(350_000);
    expect(near.passed).toBe(true);
    expect(gatesOf(near, 'quota-headroom')).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringMatching(/uses 83\.3% of its quota .*, above the 80% warning line$/),
      }),
    ]);
  });

  it('accepts an over-quota model with a waiver naming <model>@<region>', () => {
    const report = audit((c, e) => {
      e.prod.quotas!.bedrock.find((b) => b.model === 'claude-sonnet-4')!.tokensPerMinute = 200_000;
      c.waivers = [
        {
          gate: 'quota-headroom',
          subject: 'claude-sonnet-4@us-east-1',
          reason: 'increase to 1M TPM approved, case 123',
          expires: '2026-12-31',
        },
      ];
    });
    expect(report.passed).toBe(true);
    expect(gatesOf(report, 'quota-headroom')).toMatchObject([
      { status: 'waived', waiver: 'waived until 2026-12-31: increase to 1M TPM approved, case 123' },
    ]);
  });

  it('warns on quota-headroom when a routed model has no quota declared, or the environment declares none', () => {
    const missing = audit((_c, e) => {
      e.prod.quotas!.bedrock = e.prod.quotas!.bedrock.filter((b) => b.model !== 'mistral-large');
    });
    expect(gatesOf(missing, 'quota-headroom')).toEqual([
      expect.objectContaining({
        status: 'warn',
        subject: 'mistral-large@us-east-1',
        message:
          'mistral-large called on-demand as mistral.mistral-large-2402-v1:0 in us-east-1 has no on-demand quota declared: peak 31.3 requests and 37500 tokens a minute (routes translate) against an unknown quota',
      }),
    ]);
    const none = audit((_c, e) => {
      delete e.prod.quotas;
    });
    expect(gatesOf(none, 'quota-headroom')).toEqual([
      expect.objectContaining({
        status: 'warn',
        subject: 'prod',
        message: 'prod declares no Bedrock quotas (quotas in environments/prod.json): its headroom is unknown',
      }),
    ]);
    expect(env(none, 'prod')).not.toHaveProperty('headroom');
  });

  it('warns on production-retarget-evidence for a retarget to an unmeasured model, naming npm run evaluate', () => {
    const retarget = (c: ModelCatalog) => {
      c.routes.find((r) => r.id === 'code')!.target = 'llama-3-1-70b';
      c.routes.find((r) => r.id === 'code')!.fallbacks = ['nova-lite'];
    };
    const report = audit(retarget, 'shipped');
    expect(report.passed).toBe(true);
    expect(gatesOf(report, 'production-retarget-evidence')).toEqual([
      {
        gate: 'production-retarget-evidence',
        status: 'warn',
        subject: 'code',
        message:
          'production route "code" moves from claude-sonnet-4 to llama-3-1-70b, whose performance is unmeasured (priors only): run npm run evaluate -- --route code on its traffic first',
        fix: 'measure the new target on your traffic with npm run evaluate -- --route <route> --target bedrock --write-catalog and commit its performance, or waive the gate with the evaluation report in `evidence`',
      },
    ]);

    const measured = audit((c) => {
      retarget(c);
      c.models.find((m) => m.id === 'llama-3-1-70b')!.performance = {
        latencyP50Ms: 900,
        quality: 0.8,
        source: 'npm run evaluate, evaluation/datasets/code.jsonl, bedrock',
        measuredAt: '2026-11-28',
      };
    }, 'shipped');
    expect(gatesOf(measured, 'production-retarget-evidence')).toEqual([
      { gate: 'production-retarget-evidence', status: 'pass' },
    ]);

    const waived = audit((c) => {
      retarget(c);
      c.waivers = [
        {
          gate: 'production-retarget-evidence',
          subject: 'code',
          reason: 'evaluated on 200 code-review prompts, quality 0.81',
          evidence: 'evaluation-results/2026-11-28-code/report.md',
          expires: '2026-12-31',
        },
      ];
    }, 'shipped');
    expect(gatesOf(waived, 'production-retarget-evidence')).toMatchObject([
      {
        status: 'waived',
        waiver:
          'waived until 2026-12-31: evaluated on 200 code-review prompts, quality 0.81 (evidence: evaluation-results/2026-11-28-code/report.md)',
      },
    ]);
  });

  it('warns on fallback-degradation for a fallback chain that gets dearer and slower', () => {
    const report = audit((c) => {
      c.routes.find((r) => r.id === 'classify')!.fallbacks = ['claude-sonnet-4'];
    });
    expect(report.passed).toBe(true);
    // classify: 200 in + 10 out tokens a request; Claude Haiku 4.5 $1/$5, Claude Sonnet 4 $3/$15 per million.
    expect(gatesOf(report, 'fallback-degradation')).toContainEqual({
      gate: 'fallback-degradation',
      status: 'warn',
      subject: 'classify',
      message:
        'route "classify" degrades out of order: claude-sonnet-4 after claude-haiku-4-5 is dearer ($0.7500 against $0.2500 per 1,000 requests); claude-sonnet-4 after claude-haiku-4-5 is slower (p50 1500 ms prior against 600 ms prior)',
      fix: 'order the fallback chain so each step is cheaper and no slower than the one before it (graceful degradation), or waive the gate with a reason',
    });
  });
});

describe('the consumer-budget gate', () => {
  const audit = (change: (c: ModelCatalog, e: Record<string, Environment>) => void) =>
    auditFiles(tempProject(change), undefined, { today: TODAY, only: ['prod'] });

  it("warns when a consumer's share of the traffic assumptions projects past its monthly budget, and passes the audit", () => {
    const report = audit((_c, e) => {
      const team = e.prod.api.consumers!.find((c) => c.name === 'batch-analytics')!;
      team.limits![0].hard = 1000;
      delete team.limits![0].soft;
    });
    expect(report.passed).toBe(true);
    const prod = env(report, 'prod');
    expect(prod.budgets.find((b) => b.consumer === 'batch-analytics')).toEqual({
      consumer: 'batch-analytics',
      scope: 'all routes',
      share: 0.1,
      budgetUsd: 1000,
      softUsd: null,
      projectedUsd: 2793.76,
      status: 'over-budget',
    });
    expect(prod.gates.filter((g) => g.gate === 'consumer-budget')).toEqual([
      {
        gate: 'consumer-budget',
        status: 'warn',
        subject: 'batch-analytics',
        message:
          'consumer "batch-analytics" is projected to spend $2,793.76 a month (10% of the traffic assumptions, all routes), above its budget of $1,000.00: the router will refuse it once the budget is spent',
        fix: "raise the consumer's monthlyBudgetUsd, lower its trafficShare or the traffic assumptions, or move its routes to cheaper models",
      },
    ]);
  });

  it('projects a route budget from that route alone, and splits what declared shares leave equally', () => {
    const report = audit((_c, e) => {
      const web = e.prod.api.consumers!.find((c) => c.name === 'web-app')!;
      web.limits = [{ limit: 'monthlyBudgetUsd', hard: 100000, route: 'chat' }];
    });
    const prod = env(report, 'prod');
    const chat = prod.cost.routes.find((r) => r.route === 'chat')!.monthlyUsd;
    // support-desk 0.2 and batch-analytics 0.1 declared: web-app, the one without a share, takes the 0.7 left.
    expect(prod.budgets.find((b) => b.consumer === 'web-app')).toMatchObject({
      scope: 'route chat',
      share: 0.7,
      projectedUsd: Math.round(0.7 * chat * 100) / 100,
      status: 'within',
    });
  });
});

describe('a role the audit could not evaluate', () => {
  const [plan] = loadProject({ only: ['prod'], today: TODAY }).plans;
  const unreadable = {
    role: 'aws_iam_role.Router_Role',
    roleName: 'fm-prod-router-role',
    policy: 'aws_iam_role_policy.Extra',
    reason:
      'its policy is known only after apply in the plan, and the synthesized stack of this commit has no policy at that address',
  };
  const ctx = { plan, permissions: [], unreadable: [unreadable], changes: undefined };

  it('fails wildcard-invoke with the reason and a fix of its own, and no waiver accepts it', () => {
    const waiver: Waiver = {
      gate: 'wildcard-invoke',
      subject: 'aws_iam_role.Router_Role',
      reason: 'a known exception for this role',
      expires: '2026-12-31',
    };
    for (const waivers of [[], [waiver]])
      expect(gateResults(ctx, [], waivers, TODAY).filter((r) => r.gate === 'wildcard-invoke')).toEqual([
        {
          gate: 'wildcard-invoke',
          status: 'fail',
          subject: 'aws_iam_role.Router_Role',
          message: `could not evaluate aws_iam_role.Router_Role (fm-prod-router-role): aws_iam_role_policy.Extra: ${unreadable.reason}; no permissions gate passes a role it has not read`,
          fix: 'audit the plan together with the code it was made from (the same commit: its synthesized stack shows the policy), or write the policy as a document Terraform knows at plan time',
        },
      ]);
  });
});
