import { checkProject } from '../../catalog';
import type { CatalogIssue } from '../../catalog/issues';
import { parseJsonText, type JsonDocument } from '../../catalog/json-file';
import { applyWaivers, judgeGateFailure, type GateEnvironment } from '../../catalog/waivers';
import type { ModelCatalog, Waiver } from '../../schemas/generated/model-catalog';
import type { Environment } from '../../schemas/generated/environment';
import { tempProject } from '../support/project';

const TODAY = '2026-11-29';
const prod: GateEnvironment = { name: 'prod' };
const waiver: Waiver = {
  gate: 'production-fallback',
  subject: 'classify',
  environments: ['prod'],
  reason: 'nova-micro quota pending',
  approvedBy: 'platform-leads',
  expires: '2026-12-31',
};

describe('judgeGateFailure, the one judgement of the validator and the audit', () => {
  const failure = { gate: 'production-fallback', subject: 'classify' } as const;

  it('accepts a failure a waiver names, saying until when, by whom and why', () => {
    expect(judgeGateFailure(failure, prod, [waiver], TODAY)).toEqual({
      verdict: 'waived',
      waiver,
      message: 'waived until 2026-12-31 by platform-leads: nova-micro quota pending',
    });
  });

  it('leaves out who approved a waiver that does not say', () => {
    const unsigned: Waiver = {
      gate: waiver.gate,
      subject: waiver.subject,
      environments: waiver.environments,
      reason: waiver.reason,
      expires: waiver.expires,
    };
    expect(judgeGateFailure(failure, prod, [unsigned], TODAY)).toMatchObject({
      verdict: 'waived',
      message: 'waived until 2026-12-31: nova-micro quota pending',
    });
  });

  it('accepts a failure on the day the waiver expires, and fails it the day after', () => {
    expect(judgeGateFailure(failure, prod, [waiver], '2026-12-31').verdict).toBe('waived');
    expect(judgeGateFailure(failure, prod, [waiver], '2027-01-01')).toEqual({ verdict: 'fail' });
  });

  it('accepts a failure of a gate the environment disabled, before any waiver', () => {
    const disabling: GateEnvironment = { name: 'prod', audit: { disabledGates: ['production-fallback'] } };
    expect(judgeGateFailure(failure, disabling, [waiver], TODAY)).toEqual({
      verdict: 'disabled',
      message: 'gate production-fallback is disabled in prod',
    });
    expect(judgeGateFailure(failure, { name: 'prod', audit: { disabledGates: ['end-of-life'] } }, [], TODAY)).toEqual({
      verdict: 'fail',
    });
  });

  it('fails when the waiver names other environments', () => {
    expect(judgeGateFailure(failure, { name: 'staging' }, [waiver], TODAY)).toEqual({ verdict: 'fail' });
  });

  it('fails a catalog-wide failure for a waiver that names environments, and accepts it for one that names none', () => {
    expect(judgeGateFailure(failure, undefined, [waiver], TODAY)).toEqual({ verdict: 'fail' });
    const everywhere: Waiver = {
      gate: 'production-fallback',
      subject: 'classify',
      reason: 'accepted',
      expires: '2026-12-31',
    };
    expect(judgeGateFailure(failure, undefined, [everywhere], TODAY)).toMatchObject({
      verdict: 'waived',
      waiver: everywhere,
    });
    expect(judgeGateFailure(failure, { name: 'dev' }, [everywhere], TODAY).verdict).toBe('waived');
  });

  it('fails when the subject or the gate differs from the waiver', () => {
    expect(judgeGateFailure({ gate: 'production-fallback', subject: 'chat' }, prod, [waiver], TODAY)).toEqual({
      verdict: 'fail',
    });
    expect(judgeGateFailure({ gate: 'production-fallback' }, prod, [waiver], TODAY)).toEqual({ verdict: 'fail' });
    expect(judgeGateFailure({ gate: 'end-of-life', subject: 'classify' }, prod, [waiver], TODAY)).toEqual({
      verdict: 'fail',
    });
  });

  it('takes the first waiver that applies', () => {
    const expired: Waiver = { ...waiver, reason: 'old reason', expires: '2026-01-31' };
    const later: Waiver = { ...waiver, reason: 'second reason' };
    expect(judgeGateFailure(failure, prod, [expired, waiver, later], TODAY)).toMatchObject({ waiver });
  });
});

describe('applyWaivers', () => {
  const catalogDoc = (waivers: readonly Waiver[]): JsonDocument => {
    const read = parseJsonText(`${JSON.stringify({ version: 'test', waivers }, null, 2)}\n`, 'model-catalog.json');
    if (!read.ok) throw new Error(read.issues.map((i) => i.message).join('; '));
    return read.doc;
  };
  const gateIssue = (extra: Partial<CatalogIssue> = {}): CatalogIssue => ({
    severity: 'error',
    rule: 'production-fallback',
    subject: 'classify',
    environment: 'prod',
    file: 'environments/prod.json',
    pointer: '/routes/2',
    message: 'production route "classify" has no fallback: one failing model would fail every request',
    ...extra,
  });

  it('turns a waived gate error into a warning that carries the judgement, and leaves the rest', () => {
    const other: CatalogIssue = {
      severity: 'error',
      rule: 'unknown-model',
      environment: 'prod',
      file: 'environments/prod.json',
      pointer: '/routes/0/target',
      message: 'unknown model "x"',
    };
    const out = applyWaivers([gateIssue(), other], catalogDoc([waiver]), [prod], TODAY);
    expect(out).toEqual([
      {
        ...gateIssue(),
        severity: 'warning',
        waived: 'waived until 2026-12-31 by platform-leads: nova-micro quota pending',
      },
      other,
    ]);
  });

  it('judges an issue in the environment it names, whatever its file', () => {
    const issue = gateIssue({ file: 'elsewhere/renamed.json' });
    const environments: GateEnvironment[] = [
      { name: 'staging', audit: { disabledGates: ['production-fallback'] } },
      { name: 'prod', audit: { disabledGates: ['production-fallback'] } },
    ];
    expect(applyWaivers([issue], catalogDoc([]), environments, TODAY)).toEqual([
      { ...issue, severity: 'warning', waived: 'gate production-fallback is disabled in prod' },
    ]);
    expect(applyWaivers([gateIssue({ environment: 'dev' })], catalogDoc([]), environments, TODAY)).toEqual([
      gateIssue({ environment: 'dev' }),
    ]);
  });

  it('judges a gate issue that names no environment as catalog-wide', () => {
    const issue = gateIssue({ environment: undefined, file: 'model-catalog.json' });
    const everywhere: Waiver = {
      gate: 'production-fallback',
      subject: 'classify',
      reason: 'accepted',
      expires: '2026-12-31',
    };
    expect(applyWaivers([issue], catalogDoc([waiver]), [prod], TODAY)[0]).toEqual(issue);
    expect(applyWaivers([issue], catalogDoc([everywhere]), [prod], TODAY)[0]).toMatchObject({
      severity: 'warning',
      waived: 'waived until 2026-12-31: accepted',
    });
  });

  it('leaves warnings alone, even of a gate a waiver names', () => {
    const warning = gateIssue({ severity: 'warning' });
    expect(applyWaivers([warning], catalogDoc([waiver]), [prod], TODAY)).toEqual([
      warning,
      expect.objectContaining({
        rule: 'waiver',
        message: 'the waiver of production-fallback for "classify" matches no issue',
      }),
    ]);
  });

  it("fails an expired waiver's gate again and reports the waiver where it stands", () => {
    const out = applyWaivers([gateIssue()], catalogDoc([waiver]), [prod], '2027-01-01');
    expect(out).toEqual([
      gateIssue(),
      {
        severity: 'warning',
        rule: 'waiver',
        file: 'model-catalog.json',
        pointer: '/waivers/0',
        line: 4,
        column: 5,
        message: 'the waiver of production-fallback for "classify" expired on 2026-12-31; the gate applies again',
        fix: 'fix the cause, or renew the waiver with a new reason',
      },
    ]);
  });

  it('reports a stale waiver, except of a gate only the audit evaluates', () => {
    const audited: Waiver = { gate: 'cost-increase', subject: 'prod', reason: 'launch', expires: '2026-12-31' };
    const wildcard: Waiver = {
      gate: 'wildcard-invoke',
      subject: 'aws_iam_role.Router_Role',
      reason: 'migration',
      expires: '2026-12-31',
    };
    const out = applyWaivers([], catalogDoc([waiver, audited, wildcard]), [prod], TODAY);
    expect(out).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'waiver',
        pointer: '/waivers/0',
        message: 'the waiver of production-fallback for "classify" matches no issue',
        fix: 'delete it',
      }),
    ]);
  });
});

describe('waivers and disabled gates in the loader', () => {
  const noFallbackInProd = (c: ModelCatalog, e: Record<string, Environment>): void => {
    e.prod.routes[2] = { id: 'classify', fallbacks: [] };
    c.waivers = [
      {
        gate: 'production-fallback',
        subject: 'classify',
        environments: ['prod'],
        reason: 'nova-micro quota pending; INC-2231',
        approvedBy: 'platform-leads',
        expires: '2026-12-31',
      },
    ];
  };

  it('turns a waived gate failure into a warning that carries the reason', () => {
    const { catalogPath, environmentsDir } = tempProject(noFallbackInProd);
    const result = checkProject({ catalogPath, environmentsDir, today: '2026-11-29' });
    expect(result.project).toBeDefined();
    expect(result.issues.find((i) => i.rule === 'production-fallback')).toMatchObject({
      severity: 'warning',
      subject: 'classify',
      waived: 'waived until 2026-12-31 by platform-leads: nova-micro quota pending; INC-2231',
    });
  });

  it('fails again once the waiver has expired, and says so', () => {
    const { catalogPath, environmentsDir } = tempProject(noFallbackInProd);
    const result = checkProject({ catalogPath, environmentsDir, today: '2027-01-01' });
    expect(result.project).toBeUndefined();
    expect(result.issues.find((i) => i.rule === 'production-fallback')?.severity).toBe('error');
    expect(result.issues.find((i) => i.rule === 'waiver')?.message).toBe(
      'the waiver of production-fallback for "classify" expired on 2026-12-31; the gate applies again',
    );
  });

  it('does not let a waiver for one environment accept another', () => {
    const { catalogPath, environmentsDir } = tempProject((c, e) => {
      noFallbackInProd(c, e);
      c.waivers![0].environments = ['staging'];
    });
    const result = checkProject({ catalogPath, environmentsDir, today: '2026-11-29' });
    expect(result.issues.filter((i) => i.severity === 'error').map((i) => i.rule)).toEqual(['production-fallback']);
    expect(result.issues.find((i) => i.rule === 'waiver')?.message).toBe(
      'the waiver of production-fallback for "classify" matches no issue',
    );
  });

  it('turns a gate off for an environment through its audit.disabledGates', () => {
    const { catalogPath, environmentsDir } = tempProject((_c, e) => {
      e.prod.routes[2] = { id: 'classify', fallbacks: [] };
      e.prod.audit = { disabledGates: ['production-fallback'] };
    });
    const result = checkProject({ catalogPath, environmentsDir, today: '2026-11-29' });
    expect(result.project).toBeDefined();
    expect(result.issues.find((i) => i.rule === 'production-fallback')?.waived).toBe(
      'gate production-fallback is disabled in prod',
    );
  });
});
