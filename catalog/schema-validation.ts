import type { ErrorObject } from 'ajv';
import * as validators from '../schemas/generated/catalog-validators';
import { HOSTING_TYPES } from '../hosting';
import type { CatalogIssue } from './issues';
import type { JsonDocument } from './json-file';
import { didYouMean, listOf } from '../suggest/did-you-mean';

interface SchemaNode {
  readonly description?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly pattern?: string;
}

/** Validates a parsed document against its JSON Schema; every violation becomes a located issue. */
export function schemaIssues(doc: JsonDocument, kind: 'catalog' | 'environment'): CatalogIssue[] {
  // Precompiled by ajv from the schemas (npm run gen:types): no schema compile at run time.
  const validate = validators[kind];
  if (validate(doc.value)) return [];
  const issues = (validate.errors ?? []).map((e) => toIssue(e, doc));
  // ajv can report one violation through several keywords; keep each distinct message once.
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssue(e: ErrorObject, doc: JsonDocument): CatalogIssue {
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  let pointer = e.instancePath;
  let message: string;
  let expected: string | undefined;
  let fix: string | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      pointer = `${pointer}/${escape(name)}`;
      message = `unknown property "${name}"`;
      expected = allowed.length ? `one of ${listOf(allowed, 30)}` : 'no other properties';
      fix = didYouMean(name, allowed) ?? 'remove it';
      break;
    }
    case 'required': {
      const name = String((e.params as { missingProperty: string }).missingProperty);
      message = `missing required property "${name}"`;
      expected = parent.properties?.[name]?.description;
      fix = `add "${name}"`;
      break;
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      message = `${show(e.data)} is not allowed here`;
      expected = `one of ${listOf(allowed, 30)}`;
      fix = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      break;
    }
    case 'discriminator': {
      const { tag } = e.params as { tag: string };
      const allowed = HOSTING_TYPES;
      message = `${tag} ${show(e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>)[tag] : undefined)} is not a known hosting type`;
      pointer = `${pointer}/${tag}`;
      expected = `one of ${listOf(allowed)}`;
      const value = (e.data as Record<string, unknown> | undefined)?.[tag];
      fix = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      break;
    }
    case 'type':
      message = `expected ${String((e.params as { type: string }).type)}, found ${kindOf(e.data)} ${show(e.data)}`;
      expected = parent.description;
      break;
    case 'pattern':
      message = `${show(e.data)} does not have the expected form`;
      expected = `${parent.description ?? 'a value'} (pattern ${parent.pattern ?? ''})`;
      break;
    case 'propertyNames':
      message = `property name ${show((e.params as { propertyName: string }).propertyName)} is not allowed`;
      pointer = `${pointer}/${escape(String((e.params as { propertyName: string }).propertyName))}`;
      expected = parent.description;
      break;
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      message = `items ${j} and ${i} are the same; each may appear once`;
      fix = `remove item ${i}`;
      break;
    }
    case 'const':
      message = `${show(e.data)} is not allowed here`;
      expected = show((e.params as { allowedValue: unknown }).allowedValue);
      break;
    default:
      message = `${show(e.data)} ${e.message ?? 'is not valid'}`;
      expected = parent.description;
  }
  return {
    severity: 'error',
    rule: 'schema',
    file: doc.file,
    pointer,
    ...doc.locate(pointer),
    message,
    ...(expected ? { expected } : {}),
    ...(fix ? { fix } : {}),
  };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
