import { readFileSync } from 'node:fs';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { MAX_JSON_DEPTH, nestingBeyond } from '../contracts/json-depth';
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

export function parseJsonText(raw: string, displayName: string): JsonReadResult {
  // A byte-order mark is not JSON; editors on Windows write one. Both parses below read the text without it.
  const text = raw.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
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

  const tooDeep = nestingBeyond(text);
  if (tooDeep !== undefined)
    return {
      ok: false,
      issues: [
        {
          severity: 'error',
          rule: 'json-syntax',
          file: displayName,
          pointer: '',
          ...position(tooDeep),
          message: `the document nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
          expected: `at most ${MAX_JSON_DEPTH} levels (a catalog needs fewer than 10)`,
          fix: 'remove the nested arrays or objects that start here',
        },
      ],
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
    pointer: pointerOf(n),
    ...position(n.offset),
    message: `the key "${String(n.value)}" appears twice in one object; JSON readers keep only the last`,
    fix: 'remove or merge one of the two entries',
  }));
  const unreadable = nonFiniteNumbers(root, text).map((n): CatalogIssue => ({
    severity: 'error',
    rule: 'json-syntax',
    file: displayName,
    pointer: pointerOf(n),
    ...position(n.offset),
    message: `the number ${text.slice(n.offset, n.offset + Math.min(n.length, 40))} is beyond what JSON readers can hold (it reads as Infinity)`,
    expected: 'a number within ±1.7976931348623157e308',
    fix: 'write the number it should be',
  }));
  if (duplicates.length > 0 || unreadable.length > 0) return { ok: false, issues: [...duplicates, ...unreadable] };

  const value: unknown = JSON.parse(text);
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

/** Where each line starts: after \n, after \r\n, and after a bare \r (old Mac line ends, which JSON allows as whitespace). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** The JSON Pointer of a node of the parse tree (a key node: the pointer of the property it names). */
function pointerOf(node: Node): string {
  const segments: string[] = [];
  let n: Node | undefined = node;
  if (n.parent?.type === 'property' && n.parent.children?.[0] === n) {
    segments.push(String(n.value));
    n = n.parent.parent;
  }
  while (n?.parent !== undefined) {
    const parent: Node = n.parent;
    if (parent.type === 'property') {
      segments.push(String(parent.children?.[0]?.value));
      n = parent.parent;
    } else if (parent.type === 'array') {
      segments.push(String(parent.children?.indexOf(n) ?? 0));
      n = parent;
    } else n = parent;
  }
  return segments
    .reverse()
    .map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

function nonFiniteNumbers(node: Node, text: string): Node[] {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'number' && !Number.isFinite(Number(text.slice(n.offset, n.offset + n.length)))) found.push(n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(node);
  return found;
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
