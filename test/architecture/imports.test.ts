import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../catalog/paths';

/** One import of a source file: what it names, and whether it loads anything at run time. */
interface Import {
  readonly specifier: string;
  /** The project file it resolves to (relative to the root), for a relative import. */
  readonly file?: string;
  readonly runtime: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(projectRoot, path)).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveFile(from: string, specifier: string): string | undefined {
  const base = resolve(projectRoot, dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), `${base}.js`]) if (existsSync(candidate)) return relative(projectRoot, candidate);
  return undefined;
}

const cache = new Map<string, Import[]>();
function importsOf(file: string): Import[] {
  const cached = cache.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(join(projectRoot, file), 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: Import[] = [];
  for (const node of source.statements) {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier.text;
      const runtime = ts.isImportDeclaration(node) ? !isTypeOnlyImport(node) : !node.isTypeOnly && !(node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier, runtime, ...(specifier.startsWith('.') ? { file: resolveFile(file, specifier) } : {}) });
    }
  }
  cache.set(file, out);
  return out;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Every module a file loads at run time, following project files: `file -> specifier` edges. */
function runtimeClosure(entry: string): { from: string; specifier: string; file?: string }[] {
  const seen = new Set<string>([entry]);
  const edges: { from: string; specifier: string; file?: string }[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const from = queue.shift() ?? '';
    for (const i of importsOf(from).filter((x) => x.runtime)) {
      edges.push({ from, specifier: i.specifier, ...(i.file ? { file: i.file } : {}) });
      if (i.file && !seen.has(i.file)) {
        seen.add(i.file);
        queue.push(i.file);
      }
    }
  }
  return edges;
}

const topFolder = (file: string | undefined) => file?.split('/')[0];
const FRAMEWORK = /^(cdktf|constructs|@cdktf\/)/;

describe('the import graph', () => {
  it('has no import from catalog/ into selection/, stacks/, modules/, audit/ or functions/', () => {
    const offending = sourceFiles('catalog').flatMap((file) =>
      importsOf(file)
        .filter((i) => ['selection', 'stacks', 'modules', 'audit', 'functions'].includes(topFolder(i.file) ?? ''))
        .map((i) => `${file} -> ${i.specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('loads no cdktf, no construct and no SDK when the catalog or the hosting kinds load', () => {
    for (const entry of ['catalog/index.ts', 'hosting/index.ts']) {
      const offending = runtimeClosure(entry).filter((e) => FRAMEWORK.test(e.specifier) || e.specifier.startsWith('@aws-sdk/') || ['modules', 'stacks', 'functions'].includes(topFolder(e.file) ?? ''));
      expect(offending.map((e) => `${e.from} -> ${e.specifier}`)).toEqual([]);
    }
  });

  it("keeps each hosting kind's stack side in its provision.ts: no other file of hosting/ imports cdktf or modules/", () => {
    const offending = sourceFiles('hosting')
      .filter((file) => !file.endsWith('/provision.ts'))
      .flatMap((file) => importsOf(file).filter((i) => FRAMEWORK.test(i.specifier) || topFolder(i.file) === 'modules' || topFolder(i.file) === 'stacks').map((i) => `${file} -> ${i.specifier}`));
    expect(offending).toEqual([]);
    // The rule above has files to judge: the kinds and their provisioners exist where it looks.
    expect(sourceFiles('hosting').filter((f) => f.endsWith('/provision.ts')).length).toBeGreaterThanOrEqual(3);
  });
});
