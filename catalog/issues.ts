import type { JsonDocument } from './json-file';

/** One problem found in the catalog or an environment file, located precisely enough to fix. */
export interface CatalogIssue {
  readonly severity: 'error' | 'warning';
  /** Stable id of the check that found it (schema, unknown-model, fallback-cycle ...). */
  readonly rule: string;
  /** The file, relative to the project root where possible. */
  readonly file: string;
  /** JSON Pointer of the offending value ('' for the whole document). */
  readonly pointer: string;
  /** 1-based line and column of that value, when the file could be parsed. */
  readonly line?: number;
  readonly column?: number;
  /** What is wrong, naming the value found. */
  readonly message: string;
  /** What is allowed there. */
  readonly expected?: string;
  /** How to fix it, where a fix is known (did you mean ...?). */
  readonly fix?: string;
  /** For policy gates: the route or model id a waiver names to accept this issue. */
  readonly subject?: string;
  /** The environment whose rules raised it, by name; absent for catalog-wide issues. */
  readonly environment?: string;
  /** Set when a waiver or the environment's disabledGates turned this gate's error into a warning. */
  readonly waived?: string;
}

/** Thrown by the loader when any error was found; carries every issue, not only the first. */
export class CatalogValidationError extends Error {
  constructor(readonly issues: readonly CatalogIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(
      `${errors.length} error${errors.length === 1 ? '' : 's'} in the model catalog or environments:\n${formatIssues(errors)}`,
    );
    this.name = 'CatalogValidationError';
  }
}

/** JSON Pointer (RFC 6901) of a path. */
export function pointerOf(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** What an issue may add to its message. */
export interface IssueDetails {
  readonly expected?: string;
  readonly fix?: string;
  /** Default: error. */
  readonly severity?: 'error' | 'warning';
  readonly subject?: string;
}

/** An issue of a rule at a JSON path of a parsed file, with its line and column. */
export function issueAt(
  doc: JsonDocument,
  rule: string,
  path: readonly (string | number)[],
  message: string,
  details: IssueDetails = {},
): CatalogIssue {
  const pointer = pointerOf(path);
  return {
    severity: details.severity ?? 'error',
    rule,
    ...(details.subject ? { subject: details.subject } : {}),
    file: doc.file,
    pointer,
    ...doc.locate(pointer),
    message,
    ...(details.expected ? { expected: details.expected } : {}),
    ...(details.fix ? { fix: details.fix } : {}),
  };
}

/** The path segments of a JSON Pointer; numeric segments stay strings (the locator handles both). */
export function pathOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Most issues formatIssues prints; the rest are counted on a last line (the JSON output keeps them all). */
export const MAX_PRINTED_ISSUES = 50;

/** Human-readable form, one issue per block: `file:line:col pointer` then message, expected, fix; at most `most` of them. */
export function formatIssues(issues: readonly CatalogIssue[], most = MAX_PRINTED_ISSUES): string {
  const rest = issues.length - most;
  const shown = rest > 0 ? issues.slice(0, most) : issues;
  const text = shown
    .map((i) => {
      const where = `${i.file}${i.line ? `:${i.line}:${i.column ?? 1}` : ''}`;
      const lines = [`${i.severity}[${i.rule}] ${where} ${i.pointer || '(document)'}`, `  ${i.message}`];
      if (i.expected) lines.push(`  expected: ${i.expected}`);
      if (i.fix) lines.push(`  fix: ${i.fix}`);
      if (i.waived) lines.push(`  ${i.waived}`);
      return lines.join('\n');
    })
    .join('\n');
  return rest > 0 ? `${text}\nand ${rest} more (npm run validate -- --json lists every one)` : text;
}

export function sortIssues(issues: readonly CatalogIssue[]): CatalogIssue[] {
  return [...issues].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.pointer.localeCompare(b.pointer) ||
      a.message.localeCompare(b.message),
  );
}
