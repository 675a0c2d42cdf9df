import { isDeepStrictEqual } from 'node:util';
import type { CatalogIssue, EnvironmentPlan, LoadedProject } from '../catalog';
import { GATES, judgeGateFailure, type Gate } from '../catalog/waivers';
import { suggestReplacement } from '../selection/rank';
import { estimateCost, type CostEstimate } from './cost';
import { diffResources, planResourceChanges, type ResourceChange } from './resource-changes';
import { planIamStatements, stackIamStatements, stackResources, type IamStatement, type TerraformPlanJson } from './stack-json';

/** What one environment gets, and, against a base, what a change does to it. */
export interface EnvironmentAudit {
  readonly name: string;
  readonly tier: EnvironmentPlan['tier'];
  readonly region: string;
  readonly failoverRegions: readonly string[];
  readonly routes: readonly RouteSummary[];
  readonly models: readonly ModelSummary[];
  readonly permissions: readonly IamStatement[];
  /** Which model, profile and endpoint ARNs each role may invoke, by Region. */
  readonly modelAccess: readonly ModelAccess[];
  readonly endpoints: readonly EndpointSummary[];
  readonly cost: CostEstimate;
  readonly lifecycle: readonly LifecycleNotice[];
  readonly gates: readonly GateResult[];
  readonly changes?: ChangeSet;
  readonly resources?: readonly ResourceChange[];
}

export interface RouteSummary {
  readonly id: string;
  readonly strategy: 'static' | 'content-based';
  readonly target: string;
  readonly rules: readonly { readonly name: string; readonly when: string; readonly target: string }[];
  readonly fallbacks: readonly string[];
}

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly hosting: 'bedrock' | 'sagemaker';
  /** Where it is called: Bedrock invocation Regions in order, or the endpoint's Region. */
  readonly regions: readonly string[];
  readonly invokeIds: readonly string[];
  readonly inferenceProfile: string | null;
  readonly status: string;
  readonly replacement: string | null;
  readonly routes: readonly string[];
}

export interface ModelAccess {
  readonly role: string;
  readonly kind: 'inference-profile' | 'foundation-model' | 'endpoint' | 'guardrail' | 'other';
  readonly region: string;
  readonly resource: string;
  readonly onlyViaProfile: boolean;
}

export interface EndpointSummary {
  readonly model: string;
  readonly endpointName: string;
  readonly capacity: string;
  readonly rollout: string;
  readonly adapters: readonly string[];
}

export interface LifecycleNotice {
  readonly model: string;
  readonly status: string;
  readonly endOfLifeOn: string | null;
  readonly daysLeft: number | null;
  readonly replacement: string | null;
  /** Without a replacement: the model npm run select ranks first for what this one offers, here. */
  readonly suggested: string | null;
  readonly routes: readonly string[];
}

export interface GateResult {
  readonly gate: Gate;
  readonly status: 'pass' | 'fail' | 'waived';
  readonly subject?: string;
  readonly message?: string;
  readonly fix?: string;
  readonly waiver?: string;
}

export interface ChangeSet {
  readonly baseCatalogVersion: string | null;
  readonly routesAdded: readonly string[];
  readonly routesRemoved: readonly string[];
  readonly retargeted: readonly { readonly route: string; readonly from: string; readonly to: string }[];
  readonly fallbacksChanged: readonly { readonly route: string; readonly from: readonly string[]; readonly to: readonly string[] }[];
  readonly rulesChanged: readonly string[];
  readonly modelsAdded: readonly string[];
  readonly modelsRemoved: readonly string[];
  readonly lifecycleChanged: readonly { readonly model: string; readonly from: string; readonly to: string }[];
  readonly endpointsChanged: readonly { readonly model: string; readonly from: string; readonly to: string }[];
  readonly permissionsAdded: readonly string[];
  readonly permissionsRemoved: readonly string[];
  readonly cost: { readonly baseMonthlyUsd: number; readonly headMonthlyUsd: number; readonly deltaUsd: number; readonly deltaPercent: number | null };
  /** Catalog-level risks (a production routing change, a model moving to legacy ...). */
  readonly risks: readonly { readonly risk: 'low' | 'medium' | 'high'; readonly reason: string }[];
}

export interface AuditReport {
  readonly catalogVersion: string | null;
  readonly base?: { readonly ref: string; readonly catalogVersion: string | null; readonly valid: boolean };
  readonly passed: boolean;
  /** Validation errors and warnings of the head catalog (gate failures among them). */
  readonly validation: readonly CatalogIssue[];
  readonly environments: readonly EnvironmentAudit[];
}

/** One side of a comparison: a loaded project and each environment's synthesized stack (or real plan). */
export interface AuditSide {
  readonly project: LoadedProject;
  readonly issues: readonly CatalogIssue[];
  /** cdk.tf.json of each environment, by name. */
  readonly stacks: ReadonlyMap<string, unknown>;
}

export interface AuditOptions {
  readonly today: string;
  readonly base?: { readonly ref: string; readonly side?: AuditSide; readonly catalogVersion: string | null };
  /** A real plan (terraform show -json) for one environment, read instead of the offline diff. */
  readonly plan?: { readonly environment: string; readonly json: TerraformPlanJson };
}

const INVOKE_ACTIONS = /^(\*|bedrock:\*|bedrock:Invoke\*?|bedrock:InvokeModel\*?|bedrock:InvokeModelWithResponseStream|sagemaker:\*|sagemaker:InvokeEndpoint\*?|sagemaker:InvokeEndpointAsync|sagemaker:InvokeEndpointWithResponseStream)$/;
const RISK_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** The audit of every environment of a valid head, optionally against a base. */
export function buildAudit(head: AuditSide, options: AuditOptions): AuditReport {
  const environments = head.project.plans.map((plan) => {
    const baseSide = options.base?.side;
    const basePlan = baseSide?.project.plans.find((p) => p.name === plan.name);
    const stack = head.stacks.get(plan.name);
    const realPlan = options.plan?.environment === plan.name ? options.plan.json : undefined;
    const permissions = realPlan ? planIamStatements(realPlan) : stackIamStatements(stack);
    const cost = estimateCost(plan);
    const env = {
      name: plan.name,
      tier: plan.tier,
      region: plan.region,
      failoverRegions: plan.failoverRegions,
      routes: plan.routes.map(routeSummary),
      models: plan.models.map(modelSummary),
      permissions,
      modelAccess: modelAccessOf(permissions),
      endpoints: endpointsOf(plan),
      cost,
      lifecycle: lifecycleOf(plan, head.project, options.today),
    };
    let changes: ChangeSet | undefined;
    let resources: ResourceChange[] | undefined;
    if (options.base) {
      const basePermissions = basePlan ? stackIamStatements(baseSide!.stacks.get(plan.name)) : [];
      changes = changeSet(basePlan, plan, options.base.catalogVersion, basePermissions, permissions, basePlan ? estimateCost(basePlan) : undefined, cost);
      resources = diffResources(stackResources(basePlan ? baseSide!.stacks.get(plan.name) : {}), stackResources(stack), { tier: plan.tier, widenedPermissions: changes.permissionsAdded });
    }
    if (realPlan) resources = planResourceChanges(realPlan, { tier: plan.tier, widenedPermissions: changes?.permissionsAdded ?? [] });
    const gates = gatesOf(plan, head, permissions, changes, options.today);
    return { ...env, gates, ...(changes ? { changes } : {}), ...(resources ? { resources } : {}) };
  });
  return {
    catalogVersion: head.project.catalog.version,
    ...(options.base ? { base: { ref: options.base.ref, catalogVersion: options.base.catalogVersion, valid: options.base.side !== undefined } } : {}),
    passed: environments.every((e) => e.gates.every((g) => g.status !== 'fail')),
    validation: head.issues,
    environments,
  };
}

/** The report of a head that does not validate: its gate failures and every other error. */
export function blockedAudit(catalogVersion: string | null, issues: readonly CatalogIssue[], base?: AuditReport['base']): AuditReport {
  return { catalogVersion, ...(base ? { base } : {}), passed: false, validation: issues, environments: [] };
}

function routeSummary(r: EnvironmentPlan['routes'][number]): RouteSummary {
  return {
    id: r.id,
    strategy: r.strategy,
    target: r.target,
    rules: r.rules.map((rule) => ({ name: rule.name, when: describeCondition(rule.when), target: rule.target })),
    fallbacks: r.fallbacks,
  };
}

export function describeCondition(when: EnvironmentPlan['routes'][number]['rules'][number]['when']): string {
  const parts: string[] = [];
  if (when.taskTypes) parts.push(`task is ${when.taskTypes.join(' or ')}`);
  if (when.minInputTokens !== undefined) parts.push(`input >= ${when.minInputTokens} tokens`);
  if (when.maxInputTokens !== undefined) parts.push(`input <= ${when.maxInputTokens} tokens`);
  if (when.hasImages !== undefined) parts.push(when.hasImages ? 'has images' : 'no images');
  if (when.hasDocuments !== undefined) parts.push(when.hasDocuments ? 'has documents' : 'no documents');
  if (when.languages) parts.push(`language is ${when.languages.join(' or ')}`);
  for (const [k, v] of Object.entries(when.metadata ?? {})) parts.push(`${k} = ${v}`);
  return parts.join(' and ');
}

function modelSummary(m: EnvironmentPlan['models'][number]): ModelSummary {
  const h = m.hosting;
  return {
    id: m.id,
    name: m.name,
    hosting: h.type,
    regions: h.type === 'bedrock' ? h.invocations.map((i) => i.region) : [h.region],
    invokeIds: h.type === 'bedrock' ? [...new Set(h.invocations.map((i) => i.invokeId))] : [h.endpointName],
    inferenceProfile: h.type === 'bedrock' ? ([...new Set(h.invocations.flatMap((i) => (i.profile ? [i.profile.geography] : [])))].join(', ') || null) : null,
    status: m.lifecycle.status,
    replacement: m.lifecycle.replacement ?? null,
    routes: m.routes,
  };
}

function modelAccessOf(statements: readonly IamStatement[]): ModelAccess[] {
  const out: ModelAccess[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow' || !s.actions.some((a) => INVOKE_ACTIONS.test(a) || a === 'bedrock:ApplyGuardrail')) continue;
    const viaProfile = s.conditions.some((c) => c.variable === 'bedrock:InferenceProfileArn');
    for (const resource of s.resources) {
      const arn = /^arn:aws[a-z-]*:(bedrock|sagemaker):([a-z0-9-]*):[0-9]*:([a-z-]+)\//.exec(resource);
      const kind: ModelAccess['kind'] = !arn ? 'other' : arn[3] === 'inference-profile' ? 'inference-profile' : arn[3] === 'foundation-model' ? 'foundation-model' : arn[3] === 'endpoint' ? 'endpoint' : arn[3] === 'guardrail' ? 'guardrail' : 'other';
      out.push({ role: s.role, kind, region: arn?.[2] ?? '', resource, onlyViaProfile: viaProfile });
    }
  }
  return out.sort((a, b) => a.role.localeCompare(b.role) || a.kind.localeCompare(b.kind) || a.resource.localeCompare(b.resource));
}

function endpointsOf(plan: EnvironmentPlan): EndpointSummary[] {
  return plan.models.flatMap((m) => {
    const h = m.hosting;
    if (h.type !== 'sagemaker') return [];
    const cap = h.capacity;
    const r = h.rollout;
    return [
      {
        model: m.id,
        endpointName: h.endpointName,
        capacity: cap.mode === 'serverless' ? `serverless, ${cap.memorySizeMb} MB, ${cap.maxConcurrency} concurrent` : `${cap.instanceCount} × ${cap.instanceType}`,
        rollout: r.type === 'all-at-once' ? 'blue/green, all at once' : `blue/green ${r.type} ${r.stepPercent ?? '?'}%, bake ${r.waitIntervalSeconds ?? 0} s, alarm rollback`,
        adapters: h.adapters.map((a) => a.name),
      },
    ];
  });
}

function lifecycleOf(plan: EnvironmentPlan, project: LoadedProject, today: string): LifecycleNotice[] {
  const windowDays = project.environments.find((e) => e.name === plan.name)?.audit?.lifecycleWindowDays ?? 90;
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  return plan.models
    .filter((m) => {
      const eol = m.lifecycle.endOfLifeOn;
      return ['legacy', 'deprecated', 'retired'].includes(m.lifecycle.status) || (eol !== undefined && day(eol) - day(today) <= windowDays);
    })
    .map((m) => ({
      model: m.id,
      status: m.lifecycle.status,
      endOfLifeOn: m.lifecycle.endOfLifeOn ?? null,
      daysLeft: m.lifecycle.endOfLifeOn ? Math.round(day(m.lifecycle.endOfLifeOn) - day(today)) : null,
      replacement: m.lifecycle.replacement ?? null,
      suggested: m.lifecycle.replacement ? null : (suggestReplacement(project.catalog, m.id, plan.region)?.id ?? null),
      routes: m.routes,
    }));
}

/** Permissions as comparable lines: role, action and resource (with the profile condition noted). */
function grants(statements: readonly IamStatement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const via = s.conditions.length ? ` [${s.conditions.map((c) => `${c.test} ${c.variable}`).join(', ')}]` : '';
    for (const a of s.actions) for (const r of s.resources) out.add(`${s.role} ${a} ${r}${via}`);
  }
  return out;
}

function changeSet(
  base: EnvironmentPlan | undefined,
  head: EnvironmentPlan,
  baseVersion: string | null,
  basePermissions: readonly IamStatement[],
  headPermissions: readonly IamStatement[],
  baseCost: CostEstimate | undefined,
  headCost: CostEstimate,
): ChangeSet {
  const baseRoutes = new Map((base?.routes ?? []).map((r) => [r.id, r]));
  const headRoutes = new Map(head.routes.map((r) => [r.id, r]));
  const baseModels = new Map((base?.models ?? []).map((m) => [m.id, m]));
  const headModels = new Map(head.models.map((m) => [m.id, m]));
  const both = [...headRoutes.keys()].filter((id) => baseRoutes.has(id));
  const retargeted = both.filter((id) => baseRoutes.get(id)!.target !== headRoutes.get(id)!.target).map((id) => ({ route: id, from: baseRoutes.get(id)!.target, to: headRoutes.get(id)!.target }));
  const fallbacksChanged = both
    .filter((id) => !isDeepStrictEqual([...baseRoutes.get(id)!.fallbacks], [...headRoutes.get(id)!.fallbacks]))
    .map((id) => ({ route: id, from: baseRoutes.get(id)!.fallbacks, to: headRoutes.get(id)!.fallbacks }));
  const rulesChanged = both.filter((id) => !isDeepStrictEqual(JSON.parse(JSON.stringify(baseRoutes.get(id)!.rules)), JSON.parse(JSON.stringify(headRoutes.get(id)!.rules))) || baseRoutes.get(id)!.strategy !== headRoutes.get(id)!.strategy);
  const lifecycleChanged = [...headModels.keys()]
    .filter((id) => baseModels.has(id) && baseModels.get(id)!.lifecycle.status !== headModels.get(id)!.lifecycle.status)
    .map((id) => ({ model: id, from: baseModels.get(id)!.lifecycle.status, to: headModels.get(id)!.lifecycle.status }));
  const endpointOf = (p: EnvironmentPlan | undefined, id: string) => (p ? endpointsOf(p).find((e) => e.model === id) : undefined);
  const endpointsChanged = [...headModels.keys()]
    .map((id) => ({ id, b: endpointOf(base, id), h: endpointOf(head, id) }))
    .filter(({ b, h }) => b && h && (b.capacity !== h.capacity || b.rollout !== h.rollout))
    .map(({ id, b, h }) => ({ model: id, from: `${b!.capacity}; ${b!.rollout}`, to: `${h!.capacity}; ${h!.rollout}` }));
  const baseGrants = grants(basePermissions);
  const headGrants = grants(headPermissions);
  const permissionsAdded = [...headGrants].filter((g) => !baseGrants.has(g)).sort();
  const permissionsRemoved = [...baseGrants].filter((g) => !headGrants.has(g)).sort();
  const baseTotal = baseCost?.totalMonthlyUsd ?? 0;
  const deltaUsd = Math.round((headCost.totalMonthlyUsd - baseTotal) * 100) / 100;

  const prod = head.tier === 'production';
  const risks: ChangeSet['risks'][number][] = [];
  if (prod && (retargeted.length || fallbacksChanged.length || rulesChanged.length)) {
    risks.push({ risk: 'high', reason: `production routing change: ${[...retargeted.map((r) => r.route), ...fallbacksChanged.map((r) => r.route), ...rulesChanged].filter((v, i, a) => a.indexOf(v) === i).join(', ')}` });
  } else if (retargeted.length || fallbacksChanged.length || rulesChanged.length) {
    risks.push({ risk: 'low', reason: 'routing change outside production' });
  }
  for (const l of lifecycleChanged) {
    if (['legacy', 'deprecated', 'retired'].includes(l.to)) risks.push({ risk: l.to === 'retired' ? 'high' : 'medium', reason: `model ${l.model} moves from ${l.from} to ${l.to}` });
  }
  if (permissionsAdded.length) risks.push({ risk: 'high', reason: `permission widened: ${permissionsAdded.length} new grant${permissionsAdded.length === 1 ? '' : 's'}` });
  for (const e of endpointsChanged) risks.push({ risk: prod ? 'high' : 'medium', reason: `endpoint of ${e.model} changes: ${e.from} -> ${e.to}` });
  risks.sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk]);

  return {
    baseCatalogVersion: baseVersion,
    routesAdded: [...headRoutes.keys()].filter((id) => !baseRoutes.has(id)),
    routesRemoved: [...baseRoutes.keys()].filter((id) => !headRoutes.has(id)),
    retargeted,
    fallbacksChanged,
    rulesChanged,
    modelsAdded: [...headModels.keys()].filter((id) => !baseModels.has(id)),
    modelsRemoved: [...baseModels.keys()].filter((id) => !headModels.has(id)),
    lifecycleChanged,
    endpointsChanged,
    permissionsAdded,
    permissionsRemoved,
    cost: { baseMonthlyUsd: baseTotal, headMonthlyUsd: headCost.totalMonthlyUsd, deltaUsd, deltaPercent: baseTotal > 0 ? Math.round((deltaUsd / baseTotal) * 1000) / 10 : null },
    risks,
  };
}

function gatesOf(plan: EnvironmentPlan, head: AuditSide, permissions: readonly IamStatement[], changes: ChangeSet | undefined, today: string): GateResult[] {
  const env = head.project.environments.find((e) => e.name === plan.name);
  const waivers = head.project.catalog.waivers ?? [];
  const results: GateResult[] = [];

  // Gates the validator evaluates: a waived or disabled one reaches here as a warning that says so.
  for (const issue of head.issues) {
    if (!(GATES as readonly string[]).includes(issue.rule) || !issue.waived) continue;
    if (issue.environment !== undefined && issue.environment !== plan.name) continue;
    results.push({ gate: issue.rule as Gate, status: 'waived', ...(issue.subject ? { subject: issue.subject } : {}), message: issue.message, waiver: issue.waived });
  }

  const judge = (gate: Gate, subject: string, message: string, fix: string): void => {
    const judgement = judgeGateFailure({ gate, subject }, env, waivers, today);
    results.push(judgement.verdict === 'fail' ? { gate, status: 'fail', subject, message, fix } : { gate, status: 'waived', subject, message, waiver: judgement.message });
  };

  for (const s of permissions) {
    if (s.effect !== 'Allow' || !s.actions.some((a) => INVOKE_ACTIONS.test(a))) continue;
    const wild = s.resources.filter((r) => r === '*' || /foundation-model\/\*|inference-profile\/\*|endpoint\/\*$/.test(r));
    if (wild.length) judge('wildcard-invoke', s.role, `${s.role} may invoke models on ${wild.join(', ')} (${s.policy})`, 'grant the exact model, profile and endpoint ARNs the catalog lists');
  }

  if (changes && changes.cost.deltaPercent !== null) {
    const threshold = env?.audit?.costIncreaseThresholdPercent ?? 25;
    if (changes.cost.deltaPercent > threshold) {
      judge('cost-increase', plan.name, `estimated monthly cost rises ${changes.cost.deltaPercent}% (${usd(changes.cost.baseMonthlyUsd)} -> ${usd(changes.cost.headMonthlyUsd)}), above the ${threshold}% threshold`, 'check the traffic assumptions and targets, or waive the gate with a reason');
    }
  }

  for (const gate of GATES) if (!results.some((r) => r.gate === gate)) results.push({ gate, status: 'pass' });
  return results.sort((a, b) => GATES.indexOf(a.gate) - GATES.indexOf(b.gate));
}

export function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
