// Settings as the UI sees them: the effective values (secrets masked) with where each came from and which
// saved values something overrides, and the check of a change: against the same environment and flags, and
// against the file alone, so a variable can never hide an invalid value that a save writes.
import type { FieldError, SettingsPatch, SettingsView, ShadowedSetting } from '../common/contract.js';
import { ConfigError, validateLayers, type LoadedConfig } from '../config/load.js';
import { getPath, type Layer } from '../config/layers.js';
import { FIELDS } from '../config/meta.js';
import { planSave, type PlannedWrite } from '../config/save.js';
import type { Config } from '../config/schema.js';
import { maskValue, unmaskValue } from '../config/secrets.js';
import { hiddenProblems, shadowedSettings } from '../config/shadow.js';
import { unknownSettings } from '../config/unknown.js';

export { SECRET_MASK } from '../config/secrets.js';

export function settingsView(loaded: LoadedConfig): SettingsView {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [section, sectionValues] of Object.entries(loaded.config)) {
    values[section] = { ...(sectionValues as Record<string, unknown>) };
  }
  for (const path of Object.keys(FIELDS)) {
    const [section, key] = path.split('.') as [string, string];
    if (key && values[section] && values[section]![key] !== undefined) values[section]![key] = maskValue(path, values[section]![key]);
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
    shadowed: loaded.configPath ? shadowedSettings(loaded.layers, loaded.envNames, loaded.savePath) : [],
    unknown: loaded.configPath ? unknownSettings(loaded.layers.file) : [],
  };
}

/** Turns what the window sent back into what to save: masked secrets (and masked proxy credentials) mean "unchanged". */
export function cleanPatch(patch: SettingsPatch, current: Config): Layer {
  const out: Layer = {};
  for (const [section, values] of Object.entries(patch)) {
    out[section] = {};
    for (const [key, value] of Object.entries(values)) {
      const path = `${section}.${key}`;
      const real = section === 'model_mapping' ? value : unmaskValue(path, value, getPath(current as unknown as Layer, path));
      if (real === undefined && value !== undefined) continue;
      out[section]![key] = real;
    }
  }
  return out;
}

export interface PreparedSave {
  plan: PlannedWrite;
  config: Config;
  sources: LoadedConfig['sources'];
  /** The values this save writes that the environment or a flag overrides. */
  shadowed: ShadowedSetting[];
}

export type Prepared = { ok: true; prepared: PreparedSave } | { ok: false; errors: FieldError[] };

const touchedPaths = (patch: Layer) =>
  new Set(Object.entries(patch).flatMap(([section, values]) => (section === 'model_mapping' ? ['model_mapping'] : Object.keys(values).map((k) => `${section}.${k}`))));

/**
 * Works out a save without writing anything: the file's new text, the settings it gives under the current
 * environment and flags, and whether the file alone stays valid. A problem of the file alone that this
 * save introduces or touches is refused; one that was already there is left for the load warning to name.
 */
export function prepareSave(loaded: LoadedConfig, patch: SettingsPatch): Prepared {
  const changes = cleanPatch(patch, loaded.config);
  let plan: PlannedWrite;
  try {
    plan = planSave(loaded.savePath, changes);
  } catch (err) {
    return { ok: false, errors: problemsOf(err) };
  }
  const layers = { ...loaded.layers, file: plan.nextFile };
  let merged: { config: Config; sources: LoadedConfig['sources'] };
  try {
    merged = validateLayers(layers, loaded.envNames, loaded.savePath);
  } catch (err) {
    return { ok: false, errors: problemsOf(err) };
  }
  const touched = touchedPaths(changes);
  const before = new Set(hiddenProblems({ ...loaded.layers, file: plan.beforeFile }, loaded.envNames, loaded.savePath).map((p) => p.path));
  const hidden = hiddenProblems(layers, loaded.envNames, loaded.savePath).filter((p) => touched.has(p.path) || !before.has(p.path));
  if (hidden.length) return { ok: false, errors: hidden.map((p) => ({ path: p.path, message: p.message })) };
  const shadowed = shadowedSettings(layers, loaded.envNames, loaded.savePath).filter((s) => touched.has(s.path));
  return { ok: true, prepared: { plan, config: merged.config, sources: merged.sources, shadowed } };
}

export function problemsOf(err: unknown): FieldError[] {
  if (err instanceof ConfigError) return err.problems.map((p) => ({ path: p.path, message: p.message }));
  return [{ path: '', message: (err as Error)?.message ?? String(err) }];
}
