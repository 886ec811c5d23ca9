// Reads types, ranges, defaults and descriptions back out of the zod schema through zod's public
// z.toJSONSchema (no zod internals, so an upgrade cannot break it quietly), so forms, env parsing and
// error messages never restate a limit.
import { z } from 'zod';
import type { FieldMeta } from '../common/contract.js';
import { SECTION_SCHEMAS, modelMappingSchema, type SectionName } from './schema.js';

/** The part of a JSON Schema (as zod's public z.toJSONSchema writes it) that a field's description needs. */
interface JsonField {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  /** Custom metadata from .meta() is carried into the JSON Schema as is. */
  secret?: boolean;
}

const FIELD_TYPES: Record<string, FieldMeta['type']> = { integer: 'integer', number: 'number', boolean: 'boolean', array: 'string[]', object: 'record' };

function describeField(json: JsonField, optional: boolean): FieldMeta & { default: unknown } {
  const field: FieldMeta & { default: unknown } = {
    type: FIELD_TYPES[json.type ?? ''] ?? 'string',
    description: json.description ?? '',
    default: json.default,
  };
  if (typeof json.minimum === 'number' && Number.isFinite(json.minimum)) field.min = json.minimum;
  if (typeof json.maximum === 'number' && Number.isFinite(json.maximum)) field.max = json.maximum;
  if (optional) field.optional = true;
  if (json.secret) field.secret = true;
  return field;
}

/** A section as JSON Schema: refinements (min_size ≤ max_size) have no JSON form and are left out. */
function sectionJson(schema: z.ZodType): { properties: Record<string, JsonField>; required: string[] } {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as { properties?: Record<string, JsonField>; required?: string[] };
  return { properties: json.properties ?? {}, required: json.required ?? [] };
}

function buildFields(): Record<string, FieldMeta & { default: unknown }> {
  const fields: Record<string, FieldMeta & { default: unknown }> = {};
  for (const section of Object.keys(SECTION_SCHEMAS) as SectionName[]) {
    const { properties, required } = sectionJson(SECTION_SCHEMAS[section]);
    // A field with a default is always present in a parsed config; only .optional() ones may be absent.
    for (const [key, json] of Object.entries(properties)) fields[`${section}.${key}`] = describeField(json, !required.includes(key));
  }
  fields['model_mapping'] = describeField(z.toJSONSchema(modelMappingSchema, { unrepresentable: 'any' }) as JsonField, false);
  return fields;
}

/** Every managed setting by TOML path ("pool_settings.max_size"), with its type, range and default. */
export const FIELDS = buildFields();

/** "between 1 and 100", "a whole number from 0 to 65535", "true or false", … for error messages. */
export function allowedText(path: string): string {
  const f = FIELDS[path];
  if (!f) return 'a known setting';
  if (f.type === 'boolean') return 'true or false';
  if (f.type === 'integer' || f.type === 'number') {
    const kind = f.type === 'integer' ? 'a whole number' : 'a number';
    if (f.min !== undefined && f.max !== undefined) return `${kind} from ${f.min} to ${f.max}`;
    return kind;
  }
  if (f.type === 'string[]') return 'a list of strings';
  if (f.type === 'record') return 'a table of "name" = "claude-…" entries';
  if (path === 'logging.level') return 'one of error, warn, info, debug';
  if (path === 'upstream.base_url') return 'an http:// or https:// URL';
  if (path === 'upstream.proxy_url') return 'an http:// or https:// URL';
  return 'a non-empty string';
}
