import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** How one environment's synthesized Terraform differs between two `cdktf.out` folders. */
export interface StackComparison {
  readonly environment: string;
  readonly status: 'identical' | 'different' | 'missing';
  /** JSON paths (`resource.aws_iam_role.x.name`) whose values differ, at most `limit` of them. */
  readonly differences: readonly string[];
  /** Whether the router's package (its zip file and hash) differs; masked out of `differences` unless strict. */
  readonly routerPackageChanged: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Compares `<a>/stacks/<env>/cdk.tf.json` with `<b>/stacks/<env>/cdk.tf.json` for every
 * environment of `a`, as parsed JSON (key order never matters). The router's zip is named and
 * hashed from its bundle, which changes whenever router source moves (esbuild writes module paths
 * into it): unless `strict`, its file name and hash are compared apart and reported as
 * `routerPackageChanged`.
 */
export function compareSynth(
  a: string,
  b: string,
  options: { strict?: boolean; limit?: number } = {},
): StackComparison[] {
  const limit = options.limit ?? 20;
  return readdirSync(join(a, 'stacks')).map((environment): StackComparison => {
    const fileB = join(b, 'stacks', environment, 'cdk.tf.json');
    if (!existsSync(fileB)) return { environment, status: 'missing', differences: [], routerPackageChanged: false };
    const left = readStack(join(a, 'stacks', environment, 'cdk.tf.json'));
    const right = readStack(fileB);
    const routerPackageChanged = routerPackage(left) !== routerPackage(right);
    const differences: string[] = [];
    diff(
      options.strict ? left : maskRouterPackage(left),
      options.strict ? right : maskRouterPackage(right),
      '',
      differences,
      limit,
    );
    return {
      environment,
      status: differences.length === 0 ? 'identical' : 'different',
      differences,
      routerPackageChanged,
    };
  });
}

function readStack(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Lambda functions whose package is the router's zip (cdktf names its asset folder after the construct). */
function routerFunctions(stack: Json): { [key: string]: Json }[] {
  const resources = isObject(stack) ? stack.resource : undefined;
  const functions = isObject(resources) ? resources.aws_lambda_function : undefined;
  if (!isObject(functions)) return [];
  return Object.values(functions).filter(
    (f): f is { [key: string]: Json } =>
      isObject(f) && typeof f.filename === 'string' && f.filename.includes('Router_Code'),
  );
}

function routerPackage(stack: Json): string {
  return JSON.stringify(routerFunctions(stack).map((f) => [f.filename, f.source_code_hash]));
}

function maskRouterPackage(stack: Json): Json {
  const copy = JSON.parse(JSON.stringify(stack)) as Json;
  for (const f of routerFunctions(copy)) {
    f.filename = '<router package>';
    f.source_code_hash = '<router package>';
  }
  return copy;
}

function diff(left: Json | undefined, right: Json | undefined, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (isObject(left) && isObject(right)) {
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      diff(left[key], right[key], path ? `${path}.${key}` : key, out, limit);
    }
  } else if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
    left.forEach((item, i) => diff(item, right[i], `${path}[${i}]`, out, limit));
  } else if (JSON.stringify(left) !== JSON.stringify(right)) {
    out.push(path || '(document)');
  }
}
