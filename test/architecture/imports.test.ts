import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../catalog/paths';

/**
 * Which way imports run, read from the real source files with the TypeScript parser: every import
 * and export declaration, `import x = require()`, `require()` and `import()` calls, and `import('x')`
 * types, type-only ones included.
 */
interface Edge {
  /** The importing file, relative to the project root (`cli/synth.ts`). */
  readonly from: string;
  /** A project file (`stacks/app.ts`), an npm package (`npm:cdktf`) or a Node built-in (`node:fs`). */
  readonly to: string;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'cdktf.out', '.plan', 'coverage', '.git', '.terraform']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir = projectRoot): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return SKIPPED_DIRS.has(name) || name.startsWith('cdktf.out') ? [] : sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [relative(projectRoot, path)] : [];
  });
}

function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(projectRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      found.push(node.moduleSpecifier.text);
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    )
      found.push(node.moduleReference.expression.text);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const BUILTINS = new Set(builtinModules);
const RESOLVE_SUFFIXES = ['', '.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json', '/index.ts', '/index.js'];

function target(from: string, specifier: string): string {
  if (specifier.startsWith('.')) {
    const base = resolve(projectRoot, dirname(from), specifier);
    const hit = RESOLVE_SUFFIXES.map((s) => base + s).find((p) => existsSync(p) && statSync(p).isFile());
    if (hit === undefined) throw new Error(`${from}: cannot resolve "${specifier}"`);
    // A declaration file stands for the JavaScript beside it (the generated validators).
    const js = hit.replace(/\.d\.ts$/, '.js');
    return relative(projectRoot, hit.endsWith('.d.ts') && existsSync(js) ? js : hit);
  }
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]))
    return specifier.startsWith('node:') ? specifier : `node:${specifier}`;
  const parts = specifier.split('/');
  return `npm:${specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]}`;
}

function importGraph(): Edge[] {
  return sourceFiles().flatMap((from) => specifiers(from).map((s) => ({ from, to: target(from, s) })));
}

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);
const show = (edges: readonly Edge[]) => edges.map((e) => `${e.from} -> ${e.to}`);

/**
 * What may import the router's source: only what runs the router. Each entry, and why.
 * - sim/gateway.ts: the local stand-in for API Gateway serves a router handler over HTTP (type only);
 * - cli/dev.ts: `npm run dev` runs the router against the simulators;
 * - bench/: the benchmarks run the router in-process and over HTTP, and bundle it as the stack does;
 * - test/: the router's own tests, and the workflow tests that write circuits the router reads.
 * The stack and modules/router/bundle.ts name the router's entry by its path, as a string.
 */
const RUNS_THE_ROUTER = (file: string) =>
  file === 'sim/gateway.ts' || file === 'cli/dev.ts' || under('bench')(file) || under('test')(file);

/** What only a stack-side file may load: the framework and the AWS SDK. */
const FRAMEWORK = /^npm:(cdktf|constructs|@cdktf\/|@aws-sdk\/|@smithy\/)/;

/** The one npm package contracts/ may reach: the runtime of the precompiled routing-table validator. */
const CONTRACT_PACKAGES = new Set(['npm:ajv']);

const RULES: Record<string, (edges: readonly Edge[]) => Edge[]> = {
  'nothing outside functions/router/ imports it, except what runs the router': (edges) =>
    edges.filter(
      (e) => under('functions/router')(e.to) && !under('functions/router')(e.from) && !RUNS_THE_ROUTER(e.from),
    ),
  'functions/router/ imports only itself, contracts/, suggest/ and packages (never catalog/, modules/, stacks/, workflows/, audit/, selection/)':
    (edges) =>
      edges.filter(
        (e) =>
          under('functions/router')(e.from) &&
          !/^(npm|node):/.test(e.to) &&
          !['functions/router', 'contracts', 'suggest'].some((f) => under(f)(e.to)),
      ),
  'contracts/ imports only contracts/, schemas/generated/, and the validator runtime': (edges) => {
    // Follow contracts/ into the generated files it uses: what they import counts as the contracts' own.
    const reached = new Set(edges.filter((e) => under('contracts')(e.from)).map((e) => e.from));
    const queue = [...reached];
    for (const file of queue) {
      for (const e of edges) {
        if (e.from === file && under('schemas/generated')(e.to) && !reached.has(e.to)) {
          reached.add(e.to);
          queue.push(e.to);
        }
      }
    }
    return edges.filter(
      (e) =>
        reached.has(e.from) &&
        !(under('contracts')(e.to) || under('schemas/generated')(e.to) || CONTRACT_PACKAGES.has(e.to)),
    );
  },
  'nothing imports main.ts': (edges) => edges.filter((e) => e.to === 'main.ts'),
  'modules/ and workflows/ import nothing from functions/': (edges) =>
    edges.filter((e) => (under('modules')(e.from) || under('workflows')(e.from)) && under('functions')(e.to)),
  'catalog/ imports nothing from selection/, stacks/, modules/, audit/, functions/ (the validator is given a suggester)':
    (edges) =>
      edges.filter(
        (e) =>
          under('catalog')(e.from) &&
          ['selection', 'stacks', 'modules', 'audit', 'functions'].some((f) => under(f)(e.to)),
      ),
  "a hosting kind's stack side stays in its provision.ts: nothing else in catalog/ or hosting/ imports cdktf, constructs, an SDK, modules/ or stacks/":
    (edges) =>
      edges.filter(
        (e) =>
          (under('catalog')(e.from) || under('hosting')(e.from)) &&
          !e.from.endsWith('provision.ts') &&
          (FRAMEWORK.test(e.to) || ['modules', 'stacks'].some((f) => under(f)(e.to))),
      ),
  'sync/ reads Bedrock only in sync/read-bedrock.ts, and imports no stacks/, modules/, functions/ or audit/': (edges) =>
    edges.filter(
      (e) =>
        under('sync')(e.from) &&
        ((FRAMEWORK.test(e.to) && e.from !== 'sync/read-bedrock.ts') ||
          ['stacks', 'modules', 'functions', 'audit'].some((f) => under(f)(e.to))),
    ),
  'the stack side is reached only from the stack side: nothing in catalog/ or hosting/ but a provision.ts imports a provision.ts':
    (edges) =>
      edges.filter(
        (e) =>
          (under('catalog')(e.from) || under('hosting')(e.from)) &&
          !e.from.endsWith('provision.ts') &&
          e.to.endsWith('provision.ts'),
      ),
};

const violations = (edges: readonly Edge[]) =>
  Object.fromEntries(Object.entries(RULES).map(([rule, check]) => [rule, show(check(edges))]));

describe('the import graph', () => {
  const edges = importGraph();

  it('is read from the real files: it holds edges known to exist', () => {
    expect(show(edges)).toEqual(
      expect.arrayContaining([
        'cli/synth.ts -> stacks/app.ts',
        'workflows/route-workflow.ts -> contracts/circuit.ts',
        'functions/router/serve.ts -> suggest/did-you-mean.ts',
        'contracts/routing-table.ts -> schemas/generated/routing-table-validator.js',
        'schemas/generated/routing-table-validator.js -> npm:ajv',
        'sim/gateway.ts -> functions/router/app.ts',
        'functions/router/circuit-store.ts -> npm:@aws-sdk/client-dynamodb',
        'hosting/provision.ts -> hosting/sagemaker/provision.ts',
        'catalog/resolve.ts -> hosting/index.ts',
        'cli/sync.ts -> sync/run.ts',
        'sync/read-bedrock.ts -> npm:@aws-sdk/client-bedrock',
      ]),
    );
  });

  it('keeps every rule', () => {
    expect(violations(edges)).toEqual(Object.fromEntries(Object.keys(RULES).map((rule) => [rule, []])));
  });

  it('fails each rule on an edge that breaks it', () => {
    const broken: Edge[] = [
      { from: 'modules/router/bundle.ts', to: 'functions/router/env.ts' },
      { from: 'functions/router/serve.ts', to: 'catalog/suggest.ts' },
      { from: 'contracts/circuit.ts', to: 'npm:@aws-sdk/client-dynamodb' },
      { from: 'contracts/routing-table.ts', to: 'schemas/generated/routing-table-validator.js' },
      { from: 'schemas/generated/routing-table-validator.js', to: 'node:fs' },
      { from: 'cli/synth.ts', to: 'main.ts' },
      { from: 'workflows/route-workflow.ts', to: 'functions/other/x.ts' },
      { from: 'catalog/rules/catalog.ts', to: 'selection/rank.ts' },
      { from: 'hosting/sagemaker/index.ts', to: 'npm:cdktf' },
      { from: 'catalog/resolve.ts', to: 'hosting/bedrock/provision.ts' },
      { from: 'sync/drift.ts', to: 'npm:@aws-sdk/client-bedrock' },
      { from: 'sync/run.ts', to: 'stacks/app.ts' },
    ];
    expect(violations(broken)).toEqual({
      'nothing outside functions/router/ imports it, except what runs the router': [
        'modules/router/bundle.ts -> functions/router/env.ts',
      ],
      'functions/router/ imports only itself, contracts/, suggest/ and packages (never catalog/, modules/, stacks/, workflows/, audit/, selection/)':
        ['functions/router/serve.ts -> catalog/suggest.ts'],
      'contracts/ imports only contracts/, schemas/generated/, and the validator runtime': [
        'contracts/circuit.ts -> npm:@aws-sdk/client-dynamodb',
        'schemas/generated/routing-table-validator.js -> node:fs',
      ],
      'nothing imports main.ts': ['cli/synth.ts -> main.ts'],
      'modules/ and workflows/ import nothing from functions/': [
        'modules/router/bundle.ts -> functions/router/env.ts',
        'workflows/route-workflow.ts -> functions/other/x.ts',
      ],
      'catalog/ imports nothing from selection/, stacks/, modules/, audit/, functions/ (the validator is given a suggester)':
        ['catalog/rules/catalog.ts -> selection/rank.ts'],
      "a hosting kind's stack side stays in its provision.ts: nothing else in catalog/ or hosting/ imports cdktf, constructs, an SDK, modules/ or stacks/":
        ['hosting/sagemaker/index.ts -> npm:cdktf'],
      'the stack side is reached only from the stack side: nothing in catalog/ or hosting/ but a provision.ts imports a provision.ts':
        ['catalog/resolve.ts -> hosting/bedrock/provision.ts'],
      'sync/ reads Bedrock only in sync/read-bedrock.ts, and imports no stacks/, modules/, functions/ or audit/': [
        'sync/drift.ts -> npm:@aws-sdk/client-bedrock',
        'sync/run.ts -> stacks/app.ts',
      ],
    });
  });
});
