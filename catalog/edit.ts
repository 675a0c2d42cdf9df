import { readFileSync, writeFileSync } from 'node:fs';
import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit, type JSONPath, type Node } from 'jsonc-parser';
import type { ReplacementSuggester } from './context';
import { CatalogValidationError, type CatalogIssue } from './issues';
import { checkProject } from './load';

/** Set the value at a JSON path (an object key that is absent is added to its object). */
export interface CatalogEdit {
  readonly path: JSONPath;
  readonly value: unknown;
}

/**
 * A value written in the catalog's own style: on one line `{ "a": 1, "b": ["x", "y"] }`, or, where
 * the value it replaces spanned lines, indented by two spaces below `indent`.
 */
export function renderValue(value: unknown, multiline = false, indent = ''): string {
  if (multiline && value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    if (Array.isArray(value))
      return value.length === 0
        ? '[]'
        : `[\n${value.map((v) => `${inner}${renderValue(v, false)}`).join(',\n')}\n${indent}]`;
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${renderValue(v, false)}`).join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => renderValue(v)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${renderValue(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

const indentAt = (text: string, offset: number): string => {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
};
const spansLines = (text: string, node: Node): boolean =>
  text.slice(node.offset, node.offset + node.length).includes('\n');

/**
 * The one text edit that sets a value, touching nothing else: a value that exists is replaced where
 * it stands (on one line, or over lines if it spanned lines); a key an object lacks is added to the
 * object — a one-line object is rewritten on its line, a multi-line one gains a line after its last
 * property, indented like its siblings. jsonc-parser finds where; its own formatter is not used
 * (it reflows neighbouring properties).
 */
export function editFor(text: string, path: JSONPath, value: unknown): Edit {
  const root = parseTree(text);
  if (root === undefined) throw new Error('the catalog is not JSON');
  const existing = findNodeAtLocation(root, path);
  if (existing) {
    const multiline = spansLines(text, existing);
    return {
      offset: existing.offset,
      length: existing.length,
      content: renderValue(value, multiline, multiline ? indentAt(text, existing.offset) : ''),
    };
  }
  const parent = findNodeAtLocation(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent?.type === 'object' && typeof key === 'string') {
    const last = parent.children?.[parent.children.length - 1];
    if (!spansLines(text, parent)) {
      const current = JSON.parse(text.slice(parent.offset, parent.offset + parent.length)) as Record<string, unknown>;
      return { offset: parent.offset, length: parent.length, content: renderValue({ ...current, [key]: value }) };
    }
    if (last) {
      return {
        offset: last.offset + last.length,
        length: 0,
        content: `,\n${indentAt(text, last.offset)}${JSON.stringify(key)}: ${renderValue(value)}`,
      };
    }
  }
  const [edit] = modify(text, path, value, {});
  if (edit === undefined) throw new Error(`cannot set ${path.join('.')} in the catalog`);
  return edit;
}

/** The text with each edit applied in turn (each edit sees the ones before it). */
export function applyCatalogEdits(text: string, edits: readonly CatalogEdit[]): string {
  return edits.reduce((t, e) => applyEdits(t, [editFor(t, e.path, e.value)]), text);
}

export interface WriteCatalogOptions {
  readonly environmentsDir?: string;
  /** Proposes replacements in the validator's fixes (the commands pass selection's ranking). */
  readonly suggestReplacement?: ReplacementSuggester;
  /**
   * What to do when the edited catalog fails validation: `restore` the original file and throw
   * a CatalogValidationError, or `keep` the edits (they are facts) and return the issues, which
   * then demand a decision from the pull request (a legacy model's replacement).
   * @default 'restore'
   */
  readonly whenInvalid?: 'restore' | 'keep';
}

/**
 * Writes edits into the catalog file, leaving every other byte as it was, then validates the
 * project (catalog and environments). Returns the validator's issues (warnings, and errors when
 * `whenInvalid` is `keep`).
 */
export function writeCatalogEdits(
  catalogPath: string,
  edits: readonly CatalogEdit[],
  options: WriteCatalogOptions = {},
): readonly CatalogIssue[] {
  const original = readFileSync(catalogPath, 'utf8');
  writeFileSync(catalogPath, applyCatalogEdits(original, edits));
  const check = checkProject({
    catalogPath,
    ...(options.suggestReplacement ? { suggestReplacement: options.suggestReplacement } : {}),
    ...(options.environmentsDir ? { environmentsDir: options.environmentsDir } : {}),
  });
  if (!check.project && (options.whenInvalid ?? 'restore') === 'restore') {
    writeFileSync(catalogPath, original);
    throw new CatalogValidationError(check.issues);
  }
  return check.issues;
}
