import { App, Testing } from 'cdktf';
import { loadProject, type EnvironmentPlan } from '../../catalog';
import { PlatformStack } from '../../stacks/platform-stack';

export interface SynthesizedStack {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, unknown>;
}

let plans: readonly EnvironmentPlan[] | undefined;
export function planFor(name: string): EnvironmentPlan {
  plans ??= loadProject().plans;
  const plan = plans.find((p) => p.name === name);
  if (!plan) throw new Error(`no environment ${name}`);
  return plan;
}

/** Synthesizes one environment's stack (optionally from an altered plan) and parses it. */
export function synthEnvironment(name: string, alter?: (plan: EnvironmentPlan) => EnvironmentPlan): SynthesizedStack {
  const base = planFor(name);
  const plan = alter ? alter(base) : base;
  const app: App = Testing.app();
  const stack = new PlatformStack(app, plan.name, { plan });
  return parseSynth(Testing.synth(stack));
}

/** A synthesized scope or stack, parsed; absent sections are empty. */
export function parseSynth(json: string): SynthesizedStack {
  const parsed = JSON.parse(json) as Partial<SynthesizedStack>;
  return { resource: parsed.resource ?? {}, data: parsed.data ?? {}, output: parsed.output ?? {} };
}

export function resourcesOf(stack: SynthesizedStack, type: string): Record<string, unknown>[] {
  return Object.values(stack.resource[type] ?? {});
}

type Statement = {
  sid?: string;
  actions: string[];
  resources: string[];
  condition?: { test: string; variable: string; values: string[] }[];
};

/** Every statement of every policy document in the stack, with the document's construct path. */
export function policyStatements(stack: SynthesizedStack): (Statement & { document: string })[] {
  return Object.entries(stack.data.aws_iam_policy_document ?? {}).flatMap(([document, d]) =>
    ((d.statement as Partial<Statement>[] | undefined) ?? []).map((s) => ({
      ...s,
      actions: s.actions ?? [],
      resources: s.resources ?? [],
      document,
    })),
  );
}
