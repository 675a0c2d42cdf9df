import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import type { JSONSchemaType } from 'ajv';
import { compileAnswerSchema, type Scorer } from './scorers';

/** One turn of an example's conversation. */
export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** One evaluation example: a conversation, what a good answer is, and how to score an answer. */
export interface Example {
  readonly id: string;
  readonly messages: readonly Turn[];
  readonly system?: string;
  /** What the scorer compares the answer with (absent for json-schema, optional for regex). */
  readonly expected?: string | number | readonly string[];
  readonly scorer: Scorer;
  /** 1-based line in the dataset file. */
  readonly line: number;
  /** The sampling temperature to call with (the judge's requests set 0); default the model's own. */
  readonly temperature?: number;
}

/** A line that could not be used, and why. */
export interface DatasetProblem {
  readonly line: number;
  readonly message: string;
}

export interface Dataset {
  readonly file: string;
  readonly examples: readonly Example[];
  readonly problems: readonly DatasetProblem[];
}

interface RawLine {
  id: string;
  prompt?: string;
  messages?: { role: 'user' | 'assistant'; content: string | { text: string }[] }[];
  system?: string;
  expected?: string | number | string[];
  scorer: { type: Scorer['type'] } & Record<string, unknown>;
}

const LINE_SCHEMA: JSONSchemaType<RawLine> = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'scorer'],
  properties: {
    id: { type: 'string', minLength: 1 },
    prompt: { type: 'string', nullable: true, minLength: 1 },
    messages: {
      type: 'array',
      nullable: true,
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'content'],
        properties: {
          role: { type: 'string', enum: ['user', 'assistant'] },
          content: {
            oneOf: [
              { type: 'string' },
              {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['text'],
                  properties: { text: { type: 'string' } },
                },
              },
            ],
          },
        },
      },
    },
    system: { type: 'string', nullable: true },
    expected: {
      oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
    scorer: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['exact', 'contains', 'regex', 'json-schema', 'numeric', 'similarity', 'judge'] },
      },
    },
  },
} as unknown as JSONSchemaType<RawLine>;

/** The parameters each scorer takes, checked per line. */
const SCORER_PARAMS: Readonly<Record<Scorer['type'], Record<string, 'boolean' | 'string' | 'number' | 'object'>>> = {
  exact: { ignoreCase: 'boolean', normalizeWhitespace: 'boolean' },
  contains: { ignoreCase: 'boolean', match: 'string' },
  regex: { pattern: 'string', flags: 'string' },
  'json-schema': { schema: 'object' },
  numeric: { tolerance: 'number', relativeTolerance: 'number' },
  similarity: { metric: 'string', threshold: 'number' },
  judge: { rubric: 'string', scale: 'number', judge: 'string' },
};

let validateLine: ReturnType<Ajv['compile']> | undefined;

/**
 * Reads a JSONL dataset. A line that is not valid JSON or not a valid example is reported with
 * its line number and skipped; blank lines are ignored; the reader never throws on content.
 */
export function readDataset(file: string): Dataset {
  return parseDataset(readFileSync(file, 'utf8'), file);
}

export function parseDataset(text: string, file: string): Dataset {
  validateLine ??= new Ajv({ allErrors: false, strict: false }).compile(LINE_SCHEMA);
  const examples: Example[] = [];
  const problems: DatasetProblem[] = [];
  const ids = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line, message: `not valid JSON: ${(err as Error).message}` });
      return;
    }
    if (!validateLine!(value)) {
      const e = validateLine!.errors?.[0];
      problems.push({
        line,
        message: `${e?.instancePath || '(line)'} ${e?.message ?? 'is not a valid example'}${e?.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : ''}`,
      });
      return;
    }
    const result = toExample(value as RawLine, line);
    if (typeof result === 'string') {
      problems.push({ line, message: result });
      return;
    }
    const earlier = ids.get(result.id);
    if (earlier !== undefined) {
      problems.push({ line, message: `id "${result.id}" is already used on line ${earlier}` });
      return;
    }
    ids.set(result.id, line);
    examples.push(result);
  });
  return { file, examples, problems };
}

/** The example, or what is wrong with it. */
function toExample(raw: RawLine, line: number): Example | string {
  if ((raw.prompt === undefined) === (raw.messages === undefined)) return 'give exactly one of "prompt" and "messages"';
  const messages: Turn[] =
    raw.prompt !== undefined
      ? [{ role: 'user', text: raw.prompt }]
      : raw.messages!.map((m) => ({
          role: m.role,
          text: typeof m.content === 'string' ? m.content : m.content.map((c) => c.text).join('\n'),
        }));
  if (messages[messages.length - 1].role !== 'user') return "the last message must be the user's";
  const { type, ...params } = raw.scorer;
  const allowed = SCORER_PARAMS[type];
  for (const [key, v] of Object.entries(params)) {
    const kind = allowed[key];
    if (kind === undefined)
      return `scorer "${type}" has no parameter "${key}" (it takes ${Object.keys(allowed).join(', ') || 'none'})`;
    const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    if (actual !== kind) return `scorer parameter "${key}" must be a ${kind}`;
  }
  const scorer = raw.scorer as unknown as Scorer;
  const expected = raw.expected;
  const problem = scorerProblem(scorer, expected);
  if (problem) return problem;
  return {
    id: raw.id,
    messages,
    ...(raw.system !== undefined ? { system: raw.system } : {}),
    ...(expected !== undefined ? { expected } : {}),
    scorer,
    line,
  };
}

function scorerProblem(scorer: Scorer, expected: RawLine['expected']): string | undefined {
  switch (scorer.type) {
    case 'exact':
    case 'similarity':
      if (typeof expected !== 'string') return `scorer "${scorer.type}" needs "expected" to be a string`;
      if (
        scorer.type === 'similarity' &&
        scorer.metric !== undefined &&
        scorer.metric !== 'token-f1' &&
        scorer.metric !== 'levenshtein'
      )
        return 'similarity metric must be "token-f1" or "levenshtein"';
      if (
        scorer.type === 'similarity' &&
        scorer.threshold !== undefined &&
        (scorer.threshold < 0 || scorer.threshold > 1)
      )
        return 'similarity threshold must be from 0 to 1';
      return undefined;
    case 'contains':
      if (typeof expected !== 'string' && !Array.isArray(expected))
        return 'scorer "contains" needs "expected" to be a string or an array of strings';
      if (scorer.match !== undefined && scorer.match !== 'all' && scorer.match !== 'any')
        return 'contains match must be "all" or "any"';
      return undefined;
    case 'regex': {
      const pattern = scorer.pattern ?? expected;
      if (typeof pattern !== 'string') return 'scorer "regex" needs a "pattern" parameter or a string "expected"';
      try {
        new RegExp(pattern, scorer.flags);
      } catch (err) {
        return `invalid regular expression: ${(err as Error).message}`;
      }
      return undefined;
    }
    case 'json-schema':
      return compileAnswerSchema(scorer.schema).error;
    case 'numeric':
      if (typeof expected !== 'number') return 'scorer "numeric" needs "expected" to be a number';
      return undefined;
    case 'judge':
      if (typeof scorer.rubric !== 'string' || scorer.rubric.trim() === '')
        return 'scorer "judge" needs a "rubric": what a good answer does';
      if (typeof scorer.judge !== 'string' || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(scorer.judge))
        return 'scorer "judge" needs "judge": the catalog id of the judge model, e.g. "claude-haiku-4-5"';
      if (scorer.scale !== undefined && (!Number.isInteger(scorer.scale) || scorer.scale < 2 || scorer.scale > 10))
        return `judge scale must be a whole number from 2 to 10, but ${scorer.scale} was given`;
      if (expected !== undefined && typeof expected !== 'string')
        return 'scorer "judge" takes "expected" as a string: the reference answer the judge compares with';
      return undefined;
  }
}
