// Finds, reads and validates the configuration: defaults ‹ file ‹ environment ‹ CLI flags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ValueSource } from '../common/contract.js';
import { configSchema, type Config } from './schema.js';
import { unknownEnvSettings, unknownSettings } from './unknown.js';
import { FIELDS, allowedText } from './meta.js';
import { maskValue } from './secrets.js';
import { cliLayer, envLayer, getPath, hasPath, mergeLayers, type CliOverrides, type Layer } from './layers.js';

export interface ConfigProblem {
  /** TOML path of the setting ("pool_settings.max_size"), or "" for a file-level problem. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: Array<ConfigProblem | string>) {
    const list = problems.map((p) => (typeof p === 'string' ? { path: '', message: p } : p));
    super(list.map((p) => p.message).join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

export interface LoadOptions {
  /** --config PATH */
  configPath?: string;
  cli?: CliOverrides;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

export interface LoadedConfig {
  config: Config;
  sources: Record<string, ValueSource>;
  envNames: Record<string, string>;
  /** The file that was read, or null when none was found. */
  configPath: string | null;
  /** Where a save goes: the file that was read, or ~/.ccproxy.toml. */
  savePath: string;
  /** Non-fatal notes (unknown keys) worth a log line. */
  warnings: string[];
  /** Environment variables that look like a misspelt setting (said at start and again at each reload). */
  envWarnings?: string[];
  /** The layers, kept so a save can be validated against the same environment and flags. */
  layers: { file: Layer; env: Layer; cli: Layer };
}

/** Discovery: --config › CCPROXY_CONFIG › ./.ccproxy.toml › ~/.ccproxy.toml › none. */
export function discoverConfigPath(opts: LoadOptions): { found: string | null; savePath: string } {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const explicit = opts.configPath ?? env.CCPROXY_CONFIG;
  if (explicit) {
    const p = path.resolve(opts.cwd ?? process.cwd(), explicit);
    if (!fs.existsSync(p)) {
      const how = opts.configPath ? '--config' : 'CCPROXY_CONFIG';
      throw new ConfigError([`Config file not found: ${p} (given by ${how}). Create it, or leave ${how} out to use defaults.`]);
    }
    return { found: p, savePath: p };
  }
  for (const p of [path.join(opts.cwd ?? process.cwd(), '.ccproxy.toml'), path.join(home, '.ccproxy.toml')]) {
    if (fs.existsSync(p)) return { found: p, savePath: p };
  }
  return { found: null, savePath: path.join(home, '.ccproxy.toml') };
}

export function readTomlFile(file: string): Layer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`Cannot read config file ${file}: ${(err as Error).message}`]);
  }
  try {
    return parseToml(text) as Layer;
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0];
      throw new ConfigError([`${file}:${err.line}:${err.column}: not valid TOML (line ${err.line}): ${first}`]);
    }
    throw err;
  }
}

function describeSource(path: string, sources: Record<string, ValueSource>, envNames: Record<string, string>, file: string | null): string {
  switch (sources[path]) {
    case 'env':
      return `environment variable ${envNames[path]}`;
    case 'cli':
      return `command-line flag --${path.split('.')[1]}`;
    case 'file':
      return file ?? 'the config file';
    default:
      return 'defaults';
  }
}

function sourcesFor(layers: { file: Layer; env: Layer; cli: Layer }): Record<string, ValueSource> {
  const sources: Record<string, ValueSource> = {};
  for (const p of Object.keys(FIELDS)) {
    sources[p] = hasPath(layers.cli, p) ? 'cli' : hasPath(layers.env, p) ? 'env' : hasPath(layers.file, p) ? 'file' : 'default';
  }
  return sources;
}

/** Validates stacked layers; every problem names where the value came from, the key, the value and what is allowed. */
export function validateLayers(
  layers: { file: Layer; env: Layer; cli: Layer },
  envNames: Record<string, string>,
  file: string | null,
): { config: Config; sources: Record<string, ValueSource> } {
  const merged = mergeLayers(layers.file, layers.env, layers.cli);
  const sources = sourcesFor(layers);
  const result = configSchema.safeParse(merged);
  if (result.success) {
    const ca = result.data.upstream.ca_file;
    if (ca && !isReadableFile(ca)) {
      const where = describeSource('upstream.ca_file', sources, envNames, file);
      throw new ConfigError([{ path: 'upstream.ca_file', message: `Invalid setting in ${where}: upstream.ca_file = ${JSON.stringify(ca)}; allowed: a readable PEM file (this one cannot be read).` }]);
    }
    return { config: result.data, sources };
  }
  // A cross-field rule (min_size ≤ max_size) only means something when both values are valid on their own:
  // with `max_size = 0` the range message is the whole story.
  const rangeBroken = new Set(result.error.issues.filter((i) => i.code !== 'custom').map((i) => String(i.path[0])));
  const issues = result.error.issues.filter((i) => i.code !== 'custom' || !rangeBroken.has(String(i.path[0])));
  const valueOf = (p: string) => (hasPath(merged, p) ? getPath(merged, p) : FIELDS[p]?.default);
  const named = (p: string) => `${p} = ${JSON.stringify(maskValue(p, valueOf(p))) ?? 'nothing'} (from ${describeSource(p, sources, envNames, file)})`;
  const problems = issues.map((issue) => {
    const p = issue.path.slice(0, 2).join('.');
    const field = FIELDS[p] ? p : issue.path[0] === 'model_mapping' ? 'model_mapping' : p;
    const value = issue.path.length ? getPath(merged, p) : merged;
    const where = describeSource(field, sources, envNames, file);
    // A message may be logged or shown: a secret (or the credentials in a proxy URL) is never echoed.
    const shown = JSON.stringify(maskValue(field, value)) ?? 'nothing';
    // Each side of a cross-field rule names the layer that set it: the file is not blamed for an environment value.
    if (issue.code === 'custom' && p === 'pool_settings.min_size') {
      return { path: p, message: `Invalid settings: ${named('pool_settings.min_size')} is greater than ${named('pool_settings.max_size')}; min_size must be at most max_size.` };
    }
    if (issue.code === 'custom' && p === 'server.headers_timeout') {
      return { path: p, message: `Invalid settings: ${named('server.headers_timeout')} is greater than ${named('server.request_timeout')}; headers_timeout must be at most request_timeout.` };
    }
    if (issue.code === 'custom') return { path: p, message: `Invalid setting in ${where}: ${p} = ${shown}: ${issue.message}.` };
    const extra = field === 'model_mapping' ? ` (${issue.message})` : '';
    return { path: field, message: `Invalid setting in ${where}: ${issue.path.join('.')} = ${shown}; allowed: ${allowedText(field)}${extra}.` };
  });
  throw new ConfigError(problems);
}

/** Problems of defaults ‹ file alone, i.e. what a start with no environment and no flags would report. */
export function fileAloneProblems(file: Layer, filePath: string): ConfigProblem[] {
  try {
    validateLayers({ file, env: {}, cli: {} }, {}, filePath);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function isReadableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.R_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** One WARN line per section or key of the file ccproxy does not read; the file itself is left as it is. */
export function unknownSettingWarnings(file: Layer, filePath: string): string[] {
  return unknownSettings(file).map((u) => `${u.message} (in ${filePath}; left as it is)`);
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const { found, savePath } = discoverConfigPath(opts);
  const file = found ? readTomlFile(found) : {};
  const env = envLayer(opts.env ?? process.env);
  const layers = { file, env: env.values, cli: cliLayer(opts.cli ?? {}) };
  const { config, sources } = validateLayers(layers, env.names, found);
  const envWarnings = unknownEnvSettings(opts.env ?? process.env).map((u) => u.message);
  return {
    envWarnings,
    config,
    sources,
    envNames: env.names,
    configPath: found,
    savePath,
    warnings: [
      ...(found ? unknownSettingWarnings(file, found) : []),
      ...envWarnings,
      // The environment hides these today; said at every start so they are fixed before it goes away.
      ...(found ? fileAloneProblems(file, found).map((p) => `${p.message} The environment or a flag hides it now; a start without them would fail.`) : []),
      ...(config.upstream.api_key && config.upstream.auth_token ? ['Both upstream.api_key and upstream.auth_token are set; api_key is used.'] : []),
    ],
    layers,
  };
}
