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
  /** The role the statement is attached to, as its Terraform address (aws_iam_role.x): one identity on both sides. */
  readonly role: string;
  /** The role's name (fm-prod-router-role), where either side knows it: shown, never compared. */
  readonly roleName?: string;
  readonly policy: string;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** A role policy whose statements neither the plan nor the synthesized stack can show: the audit cannot judge its role. */
export interface UnreadablePolicy {
  readonly role: string;
  readonly roleName?: string;
  readonly policy: string;
  /** Why it could not be read, in words. */
  readonly reason: string;
}

/** The IAM statements of a stack or a plan, and the policies that could not be read (never silently dropped). */
export interface IamPolicies {
  readonly statements: readonly IamStatement[];
  readonly unreadable: readonly UnreadablePolicy[];
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
  return [...stackIamPolicies(stack).statements];
}

/**
 * The statements of every inline role policy in a synthesized stack, by policy address, each with
 * its role's address and name; a policy that is neither a literal JSON document nor a reference to
 * a policy document of the same stack is listed as unreadable.
 */
export function stackIamPolicies(stack: unknown): IamPolicies {
  const json = stack as StackJson;
  const statements: IamStatement[] = [];
  const unreadable: UnreadablePolicy[] = [];
  const documents = json.data?.aws_iam_policy_document ?? {};
  const roles = json.resource?.aws_iam_role ?? {};
  for (const [name, policy] of Object.entries(json.resource?.aws_iam_role_policy ?? {})) {
    const address = `aws_iam_role_policy.${name}`;
    const role = roleIdentity(referenceOf(policy.role), roles);
    const policyText = text(policy.policy);
    const docRef = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(policyText);
    const read = docRef
      ? documents[docRef[1]]
        ? documentStatements(documents[docRef[1]])
        : `its document data.aws_iam_policy_document.${docRef[1]} is not in the stack`
      : jsonStatements(policyText);
    if (typeof read === 'string') unreadable.push({ ...role, policy: address, reason: read });
    else for (const s of read) statements.push({ ...role, policy: address, ...s });
  }
  for (const [name, attachment] of Object.entries(json.resource?.aws_iam_role_policy_attachment ?? {})) {
    const role = roleIdentity(referenceOf(attachment.role), roles);
    // A customer-managed policy of this stack is read like an inline one; any other stays unjudged.
    const own = ownManagedPolicy(json, referenceOf(attachment.policy_arn));
    if (own !== undefined) for (const s of own.statements) statements.push({ ...role, policy: own.address, ...s });
    else
      unreadable.push({
        ...role,
        policy: `aws_iam_role_policy_attachment.${name}`,
        reason: attachedPolicy(attachment.policy_arn),
      });
  }
  for (const [name, role] of Object.entries(roles))
    for (const reason of roleLevelPolicies(Object.keys(role).filter((k) => role[k] !== undefined)))
      unreadable.push({ ...roleIdentity(`aws_iam_role.${name}`, roles), policy: `aws_iam_role.${name}`, reason });
  return { statements, unreadable };
}

/**
 * The statements of a customer-managed policy the stack itself creates (`aws_iam_policy.<name>`, its
 * document an `aws_iam_policy_document` of the stack), or undefined for any other policy.
 */
function ownManagedPolicy(
  json: StackJson,
  address: string,
): { address: string; statements: BareStatement[] } | undefined {
  const m = /^aws_iam_policy\.(.+)$/.exec(address);
  const policy = m ? json.resource?.aws_iam_policy?.[m[1]] : undefined;
  if (policy === undefined) return undefined;
  const docRef = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(text(policy.policy));
  const doc = docRef ? json.data?.aws_iam_policy_document?.[docRef[1]] : undefined;
  return doc === undefined ? undefined : { address, statements: documentStatements(doc) };
}

/** A role by its address, with its name where the stack sets one literally. */
function roleIdentity(address: string, roles: Record<string, Values>): Pick<IamStatement, 'role' | 'roleName'> {
  const m = /^aws_iam_role\.(.+)$/.exec(address);
  const name = m ? roles[m[1]]?.name : undefined;
  return typeof name === 'string' && !name.includes('${') ? { role: address, roleName: name } : { role: address };
}

/**
 * The statements a real plan will apply, by policy address. Roles are named by Terraform address
 * (from the plan's configuration, else by the role name the plan renders), exactly as the
 * synthesized stack names them. A policy the plan cannot show (known only after apply, not JSON) is
 * taken from the synthesized stack of the same commit by its address; where that has no readable
 * copy either, the policy is listed as unreadable and its role cannot be judged.
 */
export function planIamPolicies(plan: TerraformPlanJson, stack?: unknown): IamPolicies {
  const synth = stack === undefined ? undefined : stackIamPolicies(stack);
  const roleByName = new Map<string, string>();
  for (const rc of plan.resource_changes ?? []) {
    const name = rc.change.after?.name;
    if (rc.type === 'aws_iam_role' && rc.mode !== 'data' && typeof name === 'string') roleByName.set(name, rc.address);
  }
  const roleRefs = new Map<string, string>();
  const policyRefs = new Map<string, string>();
  const statements: IamStatement[] = [];
  const unreadable: UnreadablePolicy[] = [];
  const nameOf = new Map([...roleByName].map(([name, address]) => [address, name]));
  for (const r of plan.configuration?.root_module?.resources ?? []) {
    if (r.type === 'aws_iam_role') {
      for (const reason of roleLevelPolicies(Object.keys(r.expressions ?? {})))
        unreadable.push({ role: r.address, ...withName(nameOf.get(r.address)), policy: r.address, reason });
      continue;
    }
    const ref = r.expressions?.role?.references?.find((x) => /^aws_iam_role\.[^.]+$/.test(x));
    if (ref) roleRefs.set(r.address, ref);
    const policyRef = r.expressions?.policy_arn?.references?.find((x) => /^aws_iam_policy\.[^.]+$/.test(x));
    if (policyRef) policyRefs.set(r.address, policyRef);
  }
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== 'aws_iam_role_policy_attachment' || !rc.change.after) continue;
    const renderedName = typeof rc.change.after.role === 'string' ? rc.change.after.role : undefined;
    const role = {
      role: roleRefs.get(rc.address) ?? (renderedName && roleByName.get(renderedName)) ?? renderedName ?? rc.address,
      ...withName(renderedName),
    };
    // The stack's own managed policy (its ARN known only after apply): its statements from the synthesized stack.
    const own = policyRefs.get(rc.address);
    const fromStack = own === undefined ? [] : (synth?.statements.filter((s) => s.policy === own) ?? []);
    if (fromStack.length > 0) {
      for (const s of fromStack) statements.push({ ...s, ...role });
      continue;
    }
    unreadable.push({ ...role, policy: rc.address, reason: attachedPolicy(rc.change.after.policy_arn) });
  }
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== 'aws_iam_role_policy' || rc.mode === 'data' || !rc.change.after) continue;
    const after = rc.change.after;
    const renderedName = typeof after.role === 'string' ? after.role : undefined;
    const address = roleRefs.get(rc.address) ?? (renderedName && roleByName.get(renderedName));
    const fromStack = synth?.statements.filter((s) => s.policy === rc.address) ?? [];
    const role: Pick<IamStatement, 'role' | 'roleName'> = {
      role: address ?? renderedName ?? fromStack[0]?.role ?? `(role of ${rc.address})`,
      ...((renderedName ?? fromStack[0]?.roleName) ? { roleName: renderedName ?? fromStack[0]?.roleName } : {}),
    };
    const read =
      typeof after.policy === 'string'
        ? jsonStatements(after.policy)
        : rc.change.after_unknown?.policy === true
          ? 'known only after apply in the plan'
          : 'absent from the plan';
    if (typeof read !== 'string') {
      for (const s of read) statements.push({ ...role, policy: rc.address, ...s });
      continue;
    }
    const inStack = synth?.unreadable.find((u) => u.policy === rc.address);
    if (!inStack && synthHasPolicy(stack, rc.address)) {
      for (const s of fromStack) statements.push({ ...s, ...role });
      continue;
    }
    unreadable.push({
      ...role,
      policy: rc.address,
      reason: `its policy is ${read}, and ${
        synth === undefined
          ? 'no synthesized stack was given to read it from'
          : inStack
            ? `the synthesized stack cannot show it either (${inStack.reason})`
            : 'the synthesized stack of this commit has no policy at that address'
      }`,
    });
  }
  return { statements, unreadable };
}

function withName(name: string | undefined): { roleName?: string } {
  return name ? { roleName: name } : {};
}

/** Why an attached managed policy cannot be judged: the audit reads the statements of inline policies only. */
function attachedPolicy(arn: unknown): string {
  return `it attaches the managed policy ${text(arn) || '(known only after apply)'}, whose statements the audit does not read; grant through an inline role policy generated from the catalog`;
}

/** Policies a role sets on itself (arguments of aws_iam_role) that the audit does not read. */
function roleLevelPolicies(arguments_: readonly string[]): string[] {
  return (['managed_policy_arns', 'inline_policy'] as const)
    .filter((a) => arguments_.includes(a))
    .map(
      (a) =>
        `the role sets ${a}, whose statements the audit does not read; grant through an aws_iam_role_policy generated from the catalog`,
    );
}

function synthHasPolicy(stack: unknown, address: string): boolean {
  if (stack === undefined) return false;
  const name = address.replace(/^aws_iam_role_policy\./, '');
  return (stack as StackJson).resource?.aws_iam_role_policy?.[name] !== undefined;
}

type BareStatement = Omit<IamStatement, 'role' | 'policy'>;

function documentStatements(doc: Values | undefined): BareStatement[] {
  const statements = (doc?.statement ?? []) as Values[];
  return statements.map((s) => ({
    ...(s.sid ? { sid: text(s.sid) } : {}),
    effect: text(s.effect) || 'Allow',
    actions: sorted((s.actions as string[] | undefined) ?? []),
    resources: sorted((s.resources as string[] | undefined) ?? []),
    conditions: ((s.condition as Values[] | undefined) ?? []).map((c) => ({
      test: text(c.test),
      variable: text(c.variable),
      values: sorted((c.values as string[]) ?? []),
    })),
  }));
}

/** The statements of a policy JSON, or why it could not be read. */
function jsonStatements(policy: string): BareStatement[] | string {
  let doc: { Statement?: Values | Values[] };
  try {
    doc = JSON.parse(policy) as { Statement?: Values | Values[] };
  } catch {
    return policy.includes('${') ? `an unresolved expression (${policy.slice(0, 80)})` : 'not a JSON document';
  }
  if (typeof doc !== 'object' || doc === null) return 'not a JSON policy document';
  const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const arr = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(text) : [text(v)]);
  return list.map((s) => ({
    ...(s.Sid ? { sid: text(s.Sid) } : {}),
    effect: text(s.Effect) || 'Allow',
    actions: sorted(arr(s.Action)),
    resources: sorted(arr(s.Resource)),
    conditions: Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([test, vars]) =>
      Object.entries(vars).map(([variable, values]) => ({ test, variable, values: sorted(arr(values)) })),
    ),
  }));
}

/** Terraform renders a document's lists in its own order: both readers sort them, so the two sides compare equal. */
function sorted(values: readonly string[]): string[] {
  return [...values].sort();
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
      /** Attributes known only after apply: `true`, or nested like the values. */
      readonly after_unknown?: Values;
    };
  }[];
  /** The configuration Terraform planned from: the expressions behind each resource's arguments. */
  readonly configuration?: {
    readonly root_module?: {
      readonly resources?: readonly {
        readonly address: string;
        readonly type: string;
        readonly expressions?: Readonly<Record<string, { readonly references?: readonly string[] } | undefined>>;
      }[];
    };
  };
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

/**
 * The stack's application inference profiles by the reference IAM statements write their ARN as
 * (`${aws_bedrock_inference_profile.<name>.arn}`), with their names and Regions: the default
 * provider's Region, or the alias (named after its Region, as the stacks make them) of the provider they name.
 */
export function stackApplicationProfiles(
  stack: unknown,
  defaultRegion: string,
): Map<string, { readonly name: string; readonly region: string }> {
  const out = new Map<string, { name: string; region: string }>();
  for (const [name, values] of Object.entries(
    (stack as StackJson | undefined)?.resource?.aws_bedrock_inference_profile ?? {},
  )) {
    const alias = /^aws\.(.+)$/.exec(text(values.provider));
    out.set(`\${aws_bedrock_inference_profile.${name}.arn}`, {
      name: text(values.name) || name,
      region: alias ? alias[1] : defaultRegion,
    });
  }
  return out;
}
