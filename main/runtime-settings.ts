// Settings as the UI sees them: the effective values with where each came from, validation of a change
// against the same environment and flags, and the patch written to the file.
import fs from 'node:fs';
import type { FieldError, SettingsPatch, SettingsView } from './common/contract.js';
import { ConfigError, readTomlFile, validateLayers, type LoadedConfig } from './config/load.js';
import { applyPatch } from './config/save.js';
import { FIELDS } from './config/meta.js';
import type { Config } from './config/schema.js';
import type { Layer } from './config/layers.js';

/** What the form shows for a secret that is set; sending it back means "unchanged". */
export const SECRET_MASK = '********';

export function settingsView(loaded: LoadedConfig): SettingsView {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [section, sectionValues] of Object.entries(loaded.config)) {
    values[section] = { ...(sectionValues as Record<string, unknown>) };
  }
  for (const [path, meta] of Object.entries(FIELDS)) {
    if (!meta.secret) continue;
    const [section, key] = path.split('.') as [string, string];
    if (values[section]?.[key]) values[section]![key] = SECRET_MASK;
  }
  const fields: SettingsView['fields'] = {};
  for (const [path, { default: _default, ...meta }] of Object.entries(FIELDS)) fields[path] = meta;
  return {
    values,
    sources: loaded.sources,
    env_overrides: loaded.envNames,
    config_path: loaded.configPath,
    save_path: loaded.savePath,
    fields,
  };
}

/** Drops masked secrets (unchanged) from a patch. */
export function cleanPatch(patch: SettingsPatch): Layer {
  const out: Layer = {};
  for (const [section, values] of Object.entries(patch)) {
    out[section] = {};
    for (const [key, value] of Object.entries(values)) {
      if (value === SECRET_MASK) continue;
      out[section]![key] = value;
    }
  }
  return out;
}

export interface PreparedSave {
  nextFile: Layer;
  config: Config;
  sources: LoadedConfig['sources'];
}

/** Validates the file as it would be after the patch, under the current environment and flags. */
export function prepareSave(loaded: LoadedConfig, patch: SettingsPatch): { ok: true; prepared: PreparedSave } | { ok: false; errors: FieldError[] } {
  let current: Layer;
  try {
    current = fs.existsSync(loaded.savePath) ? readTomlFile(loaded.savePath) : {};
  } catch (err) {
    return { ok: false, errors: problemsOf(err) };
  }
  const nextFile = applyPatch(current, cleanPatch(patch));
  try {
    const { config, sources } = validateLayers({ ...loaded.layers, file: nextFile }, loaded.envNames, loaded.savePath);
    return { ok: true, prepared: { nextFile, config, sources } };
  } catch (err) {
    return { ok: false, errors: problemsOf(err) };
  }
}

export function problemsOf(err: unknown): FieldError[] {
  if (err instanceof ConfigError) return err.problems.map((p) => ({ path: p.path, message: p.message }));
  return [{ path: '', message: (err as Error)?.message ?? String(err) }];
}
