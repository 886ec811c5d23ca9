// The layers a setting can come from (file, environment, CLI flags) and how they stack.
import { FIELDS } from './meta.js';

export type Layer = Record<string, Record<string, unknown>>;

export interface EnvLayer {
  values: Layer;
  /** TOML path → the environment variable that set it. */
  names: Record<string, string>;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Turns a string (from env or a flag) into the type the field wants; leaves it as-is when it does not fit, so zod reports it. */
export function coerce(path: string, raw: string): unknown {
  const field = FIELDS[path];
  const text = raw.trim();
  switch (field?.type) {
    case 'integer':
    case 'number': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      if (TRUE.has(text.toLowerCase())) return true;
      if (FALSE.has(text.toLowerCase())) return false;
      return raw;
    case 'string[]':
      return text === '' ? [] : text.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function setPath(layer: Layer, path: string, value: unknown): void {
  const [section, key] = path.split('.') as [string, string];
  (layer[section] ??= {})[key] = value;
}

/**
 * Environment overlay: the TOML path in upper case with `__` between levels (POOL_SETTINGS__MAX_SIZE),
 * matched case-insensitively; PORT and HOST are accepted too, below SERVER__PORT / SERVER__HOST.
 */
export function envLayer(env: NodeJS.ProcessEnv): EnvLayer {
  const values: Layer = {};
  const names: Record<string, string> = {};
  const byUpper = new Map<string, string>();
  for (const name of Object.keys(env)) byUpper.set(name.toUpperCase(), name);
  const aliases: Array<[string, string]> = [
    ['server.port', 'PORT'],
    ['server.host', 'HOST'],
  ];
  for (const path of Object.keys(FIELDS)) {
    if (!path.includes('.')) continue;
    const candidates = [path.replace('.', '__').toUpperCase()];
    for (const [p, alias] of aliases) if (p === path) candidates.push(alias);
    for (const upper of candidates) {
      const actual = byUpper.get(upper);
      const raw = actual === undefined ? undefined : env[actual];
      if (actual === undefined || raw === undefined || raw === '') continue;
      setPath(values, path, coerce(path, raw));
      names[path] = actual;
      break;
    }
  }
  return { values, names };
}

/** CLI flags that map onto settings. */
export interface CliOverrides {
  port?: number;
  host?: string;
}

export function cliLayer(flags: CliOverrides): Layer {
  const layer: Layer = {};
  if (flags.port !== undefined) setPath(layer, 'server.port', flags.port);
  if (flags.host !== undefined) setPath(layer, 'server.host', flags.host);
  return layer;
}

/** Two-level merge: later layers win per key; sections not named by a later layer are kept. */
export function mergeLayers(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) {
    for (const [section, value] of Object.entries(layer)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        out[section] = section === 'model_mapping' ? { ...value } : { ...(out[section] ?? {}), ...value };
      } else {
        out[section] = value as Record<string, unknown>;
      }
    }
  }
  return out;
}

export function hasPath(layer: Layer, path: string): boolean {
  if (!path.includes('.')) return layer[path] !== undefined;
  const [section, key] = path.split('.') as [string, string];
  const s = layer[section];
  return !!s && typeof s === 'object' && Object.hasOwn(s, key);
}

export function getPath(layer: Layer, path: string): unknown {
  if (!path.includes('.')) return layer[path];
  const [section, key] = path.split('.') as [string, string];
  return layer[section]?.[key];
}
