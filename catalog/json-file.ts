import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { CatalogIssue } from './issues';
import { pathOf } from './issues';

/** A parsed JSON file that can say where any value in it stands. */
export interface JsonDocument {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line and column of the value at a JSON Pointer, or of its nearest existing parent. */
  locate(pointer: string): { line: number; column: number } | undefined;
}

export type JsonReadResult = { ok: true; doc: JsonDocument } | { ok: false; issues: CatalogIssue[] };

/** Reads and parses a JSON file; a missing, empty or malformed file becomes a located issue, never a throw. */
export function readJsonFile(path: string, displayName: string): JsonReadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `file not found: ${path}`
        : code === 'EISDIR'
          ? `expected a file, found a folder: ${path}`
          : `cannot read ${path}: ${String(err)}`;
    return { ok: false, issues: [fileIssue(displayName, 'file-unreadable', message, 'a readable JSON file')] };
  }
  return parseJsonText(text, displayName);
}

export function parseJsonText(text: string, displayName: string): JsonReadResult {
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return {
      ok: false,
      issues: [
        fileIssue(
          displayName,
          'json-syntax',
          'the file is empty',
          'a JSON object',
          'restore the file from git or write its content',
        ),
      ],
    };
  }
  const lineStarts = lineStartsOf(text);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    return {
      ok: false,
      // Later parse errors cascade from the first; report the one that locates the mistake.
      issues: errors.slice(0, 1).map((e) => ({
        severity: 'error',
        rule: 'json-syntax',
        file: displayName,
        pointer: '',
        ...position(e.offset),
        message: `not valid JSON: ${describeParseError(printParseErrorCode(e.error))}`,
        expected: 'strict JSON: double-quoted keys and strings, no comments, no trailing commas',
      })),
    };
  }
  const duplicates = duplicateKeys(root).map((n): CatalogIssue => ({
    severity: 'error',
    rule: 'json-duplicate-key',
    file: displayName,
    pointer: '',
    ...position(n.offset),
    message: `the key "${String(n.value)}" appears twice in one object; JSON readers keep only the last`,
    fix: 'remove or merge one of the two entries',
  }));
  if (duplicates.length > 0) return { ok: false, issues: duplicates };

  const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  return {
    ok: true,
    doc: {
      file: displayName,
      value,
      locate(pointer) {
        let path: (string | number)[] = pathOf(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        for (;;) {
          const node = findNodeAtLocation(root, path);
          if (node) {
            const at = node.parent?.type === 'property' ? node.parent : node;
            return position(at.offset);
          }
          if (path.length === 0) return undefined;
          path = path.slice(0, -1);
        }
      },
    },
  };
}

function fileIssue(file: string, rule: string, message: string, expected: string, fix?: string): CatalogIssue {
  return { severity: 'error', rule, file, pointer: '', message, expected, ...(fix ? { fix } : {}) };
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'an unexpected character (keys and strings need double quotes; true, false and null are lowercase)',
    InvalidNumberFormat: 'a malformed number',
    PropertyNameExpected: 'a property name was expected (keys need double quotes; no trailing comma before })',
    ValueExpected: 'a value was expected (no trailing comma before ] or })',
    ColonExpected: 'a colon was expected after the property name',
    CommaExpected: 'a comma was expected between entries',
    CloseBraceExpected: 'a closing } was expected',
    CloseBracketExpected: 'a closing ] was expected',
    EndOfFileExpected: 'the document should end here',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'comments are not allowed',
    UnexpectedEndOfString: 'a string is not closed',
    UnexpectedEndOfNumber: 'a number ends unexpectedly',
    InvalidUnicode: 'an invalid unicode escape',
    InvalidEscapeCharacter: 'an invalid escape character',
    InvalidCharacter: 'an invalid character in a string',
  };
  return words[code] ?? code;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function duplicateKeys(node: Node): Node[] {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const prop of n.children ?? []) {
        const key = prop.children?.[0];
        if (key && typeof key.value === 'string') {
          if (seen.has(key.value)) found.push(key);
          seen.add(key.value);
        }
      }
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(node);
  return found;
}
