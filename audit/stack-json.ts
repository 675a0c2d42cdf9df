/**
 * Reading infrastructure the way Terraform will see it: a synthesized stack (cdk.tf.json), an
 * offline plan, or a real `terraform show -json` plan, each reduced to resources by address and
 * IAM statements by role.
 */

export type Values = Record<string, unknown>;

/** A resource by its Terraform address (`type.name`), with its configuration values. */
export interface ResourceValues {
  readonly address: string;
  readonly type: string;
  readonly values: Values;
}

export interface IamStatement {
  /** The role the statement is attached to, as its Terraform address (aws_iam_role.x). */
  readonly role: string;
  readonly policy: string;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** A JSON value as text: strings as they are, anything else as JSON ('' for nothing). */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

interface StackJson {
  resource?: Record<string, Record<string, Values>>;
  data?: Record<string, Record<string, Values>>;
}

/**
 * Every managed resource of a synthesized stack, by address, without cdktf's metadata. A reference
 * to a policy document (`${data.aws_iam_policy_document.x.json}`) is replaced by the document's
 * statements, as Terraform renders it, so a widened policy shows on the role policy that uses it.
 */
export function stackResources(stack: unknown): Map<string, ResourceValues> {
  const out = new Map<string, ResourceValues>();
  const documents = (stack as StackJson).data?.aws_iam_policy_document ?? {};
  const render = (v: unknown): unknown => {
    const m = typeof v === 'string' ? /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(v) : null;
    return m && documents[m[1]] ? { policyDocument: documents[m[1]].statement ?? [] } : v;
  };
  for (const [type, byName] of Object.entries((stack as StackJson).resource ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const values = Object.fromEntries(
        Object.entries(raw)
          .filter(([k]) => k !== '//')
          .map(([k, v]) => [k, render(v)]),
      );
      out.set(`${type}.${name}`, { address: `${type}.${name}`, type, values });
    }
  }
  return out;
}

/** The address a `${type.name.attr}` expression refers to, or the value itself. */
export function referenceOf(value: unknown): string {
  const s = text(value);
  const m = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(s);
  return m ? m[1] : s;
}

/** The IAM statements of every inline role policy in a synthesized stack. */
export function stackIamStatements(stack: unknown): IamStatement[] {
  const json = stack as StackJson;
  const out: IamStatement[] = [];
  const documents = json.data?.aws_iam_policy_document ?? {};
  for (const [name, policy] of Object.entries(json.resource?.aws_iam_role_policy ?? {})) {
    const role = referenceOf(policy.role);
    const policyText = text(policy.policy);
    const docRef = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(policyText);
    const statements = docRef ? documentStatements(documents[docRef[1]]) : jsonStatements(policyText);
    for (const s of statements) out.push({ role, policy: `aws_iam_role_policy.${name}`, ...s });
  }
  return out;
}

/** The same statements from a `terraform show -json` plan, where policies are rendered JSON. */
export function planIamStatements(plan: TerraformPlanJson): IamStatement[] {
  const out: IamStatement[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== 'aws_iam_role_policy' || !rc.change.after) continue;
    const after = rc.change.after;
    for (const s of jsonStatements(text(after.policy)))
      out.push({ role: text(after.role) || rc.address, policy: rc.address, ...s });
  }
  return out;
}

type BareStatement = Omit<IamStatement, 'role' | 'policy'>;

function documentStatements(doc: Values | undefined): BareStatement[] {
  const statements = (doc?.statement ?? []) as Values[];
  return statements.map((s) => ({
    ...(s.sid ? { sid: text(s.sid) } : {}),
    effect: text(s.effect) || 'Allow',
    actions: (s.actions as string[] | undefined) ?? [],
    resources: (s.resources as string[] | undefined) ?? [],
    conditions: ((s.condition as Values[] | undefined) ?? []).map((c) => ({
      test: text(c.test),
      variable: text(c.variable),
      values: (c.values as string[]) ?? [],
    })),
  }));
}

function jsonStatements(policy: string): BareStatement[] {
  let doc: { Statement?: Values | Values[] };
  try {
    doc = JSON.parse(policy) as { Statement?: Values | Values[] };
  } catch {
    return [];
  }
  const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const arr = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(text) : [text(v)]);
  return list.map((s) => ({
    ...(s.Sid ? { sid: text(s.Sid) } : {}),
    effect: text(s.Effect) || 'Allow',
    actions: arr(s.Action),
    resources: arr(s.Resource),
    conditions: Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([test, vars]) =>
      Object.entries(vars).map(([variable, values]) => ({ test, variable, values: arr(values) })),
    ),
  }));
}

/** The parts of Terraform's plan JSON (format 1.x) the audit reads. */
export interface TerraformPlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly mode?: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before: Values | null;
      readonly after: Values | null;
    };
  }[];
}

/** Whether a value is a plan JSON rather than something else handed to --plan. */
export function isTerraformPlan(value: unknown): value is TerraformPlanJson {
  return (
    typeof value === 'object' &&
    value !== null &&
    'format_version' in value &&
    Array.isArray((value as TerraformPlanJson).resource_changes)
  );
}
