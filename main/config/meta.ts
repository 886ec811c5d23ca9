// Reads types, ranges, defaults and descriptions back out of the zod schema, so forms, env parsing and
// error messages never restate a limit.
import type { z } from 'zod';
import type { FieldMeta } from '../common/contract.js';
import { SECTION_SCHEMAS, modelMappingSchema, type SectionName } from './schema.js';

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
}

function unwrap(schema: z.ZodType): { core: z.ZodType; optional: boolean; defaultValue: unknown } {
  let core = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const def = (core as unknown as { def: Def }).def;
    if (def.type === 'default') defaultValue = def.defaultValue;
    else if (def.type === 'optional') optional = true;
    else break;
    core = def.innerType!;
  }
  return { core, optional, defaultValue };
}

function describeField(schema: z.ZodType): FieldMeta & { default: unknown } {
  const { core, optional, defaultValue } = unwrap(schema);
  const meta = (schema.meta?.() ?? {}) as { secret?: boolean; description?: string };
  const c = core as unknown as { def: Def; minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  let type: FieldMeta['type'];
  switch (c.def.type) {
    case 'number':
      type = c.isInt ? 'integer' : 'number';
      break;
    case 'boolean':
      type = 'boolean';
      break;
    case 'array':
      type = 'string[]';
      break;
    case 'record':
      type = 'record';
      break;
    default:
      type = 'string';
  }
  const field: FieldMeta & { default: unknown } = {
    type,
    description: schema.description ?? meta.description ?? '',
    default: defaultValue,
  };
  if (typeof c.minValue === 'number' && Number.isFinite(c.minValue)) field.min = c.minValue;
  if (typeof c.maxValue === 'number' && Number.isFinite(c.maxValue)) field.max = c.maxValue;
  if (optional) field.optional = true;
  if (meta.secret) field.secret = true;
  return field;
}

function sectionShape(name: SectionName): Record<string, z.ZodType> {
  return (SECTION_SCHEMAS[name] as unknown as { shape: Record<string, z.ZodType> }).shape;
}

function buildFields(): Record<string, FieldMeta & { default: unknown }> {
  const fields: Record<string, FieldMeta & { default: unknown }> = {};
  for (const section of Object.keys(SECTION_SCHEMAS) as SectionName[]) {
    for (const [key, schema] of Object.entries(sectionShape(section))) {
      fields[`${section}.${key}`] = describeField(schema);
    }
  }
  fields['model_mapping'] = describeField(modelMappingSchema);
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
  if (path === 'upstream.proxy_url') return 'an http:// URL';
  return 'a non-empty string';
}
