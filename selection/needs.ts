import Ajv, { type ErrorObject } from 'ajv';
import { sortIssues, type CatalogIssue } from '../catalog/issues';
import { readJsonFile, type JsonDocument } from '../catalog/json-file';
import { didYouMean, listOf } from '../suggest/did-you-mean';
import type { Modality, RouteRequirements } from '../schemas/generated/model-catalog';
import type { TrafficAssumption } from '../schemas/generated/environment';
import { HOSTING_TYPES, type HostingType } from '../hosting';

/**
 * What a use case needs from a model: the route's hard requirements, plus what only selection
 * asks (streaming, a hosting type, whether ageing models may be proposed), the strengths it
 * prefers (soft: they raise the quality prior of unmeasured models) and its traffic shape.
 */
export interface Needs extends RouteRequirements {
  readonly streaming?: boolean;
  readonly hosting?: HostingType;
  /** Propose legacy and deprecated models too (never retired ones). Default false. */
  readonly allowDeprecated?: boolean;
  readonly preferStrengths?: readonly string[];
  readonly traffic?: TrafficAssumption;
}

const MODALITIES: readonly Modality[] = ['text', 'image', 'document', 'video', 'audio'];

/** The JSON Schema of a --needs file. */
export const NEEDS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minContextWindowTokens: {
      type: 'integer',
      minimum: 1,
      description: 'smallest acceptable context window in tokens',
    },
    inputModalities: {
      type: 'array',
      items: { enum: MODALITIES },
      uniqueItems: true,
      description: 'input modalities the model must read',
    },
    languages: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' },
      uniqueItems: true,
      description: 'languages as ISO 639-1 codes, e.g. "fr"',
    },
    toolUse: { type: 'boolean', description: 'the model must support tool use' },
    streaming: { type: 'boolean', description: 'the model must stream' },
    hosting: { enum: HOSTING_TYPES, description: 'the hosting type the model must have' },
    allowDeprecated: { type: 'boolean', description: 'propose legacy and deprecated models too' },
    preferStrengths: {
      type: 'array',
      items: { type: 'string' },
      description: 'strengths that raise the quality prior of unmeasured models',
    },
    traffic: {
      type: 'object',
      additionalProperties: false,
      required: ['requestsPerDay', 'inputTokensPerRequest', 'outputTokensPerRequest'],
      properties: {
        requestsPerDay: { type: 'number', exclusiveMinimum: 0 },
        inputTokensPerRequest: { type: 'number', minimum: 0 },
        outputTokensPerRequest: { type: 'number', minimum: 0 },
      },
      description: 'the traffic shape: requests per day, mean input and output tokens per request',
    },
  },
} as const;

export type NeedsReadResult = { ok: true; needs: Needs } | { ok: false; issues: CatalogIssue[] };

let validateNeeds: ReturnType<Ajv['compile']> | undefined;

/** Reads and validates a --needs file; every problem is an issue located by line and column. */
export function readNeedsFile(path: string): NeedsReadResult {
  const read = readJsonFile(path, path);
  if (!read.ok) return read;
  validateNeeds ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(NEEDS_SCHEMA);
  if (validateNeeds(read.doc.value)) return { ok: true, needs: read.doc.value as Needs };
  return { ok: false, issues: sortIssues((validateNeeds.errors ?? []).map((e) => needsIssue(e, read.doc))) };
}

function needsIssue(e: ErrorObject, doc: JsonDocument): CatalogIssue {
  let pointer = e.instancePath;
  let message = `${JSON.stringify(e.data)} ${e.message ?? 'is not valid'}`;
  let fix: string | undefined;
  const allowed = Object.keys(NEEDS_SCHEMA.properties);
  if (e.keyword === 'additionalProperties') {
    const name = String((e.params as { additionalProperty: string }).additionalProperty);
    pointer = `${pointer}/${name}`;
    message = `unknown property "${name}"`;
    fix = pointer.startsWith('/traffic')
      ? 'remove it'
      : (didYouMean(name, allowed) ?? `remove it; allowed: ${listOf(allowed, 20)}`);
  } else if (e.keyword === 'required') {
    message = `missing required property "${String((e.params as { missingProperty: string }).missingProperty)}"`;
  }
  return {
    severity: 'error',
    rule: 'needs',
    file: doc.file,
    pointer,
    ...doc.locate(pointer),
    message,
    ...(fix ? { fix } : {}),
  };
}
