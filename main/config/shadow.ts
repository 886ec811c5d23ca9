// The file layer on its own. An environment variable (or a flag) can hide what the file says: the merged
// settings are valid while the file alone is not, and the next start without the variable fails. So the file
// is also checked alone (defaults ‹ file), and the values it holds that something else overrides are listed.
import type { ShadowedSetting, ValueSource } from '../common/contract.js';
import { getPath, hasPath, type Layer } from './layers.js';
import { fileAloneProblems, type ConfigProblem } from './load.js';
import { FIELDS } from './meta.js';
import { maskValue } from './secrets.js';

export interface Layers {
  file: Layer;
  env: Layer;
  cli: Layer;
}

function overriddenBy(layers: Layers, envNames: Record<string, string>, path: string): { source: ValueSource; by: string } | null {
  if (hasPath(layers.cli, path)) return { source: 'cli', by: `command-line flag --${path.split('.')[1]}` };
  if (hasPath(layers.env, path)) return { source: 'env', by: `environment variable ${envNames[path] ?? path.toUpperCase().replace('.', '__')}` };
  return null;
}

const show = (path: string, value: unknown) => JSON.stringify(maskValue(path, value)) ?? 'nothing';

/** Every value the file holds that the environment or a flag overrides right now. */
export function shadowedSettings(layers: Layers, envNames: Record<string, string>, filePath: string): ShadowedSetting[] {
  const out: ShadowedSetting[] = [];
  for (const path of Object.keys(FIELDS)) {
    if (!hasPath(layers.file, path)) continue;
    const over = overriddenBy(layers, envNames, path);
    if (!over) continue;
    const active = getPath(over.source === 'cli' ? layers.cli : layers.env, path);
    const saved = getPath(layers.file, path);
    const without = over.source === 'cli' ? 'when ccproxy starts without that flag' : 'when the variable is not set';
    out.push({
      path,
      by: over.by,
      active_value: maskValue(path, active),
      file_value: maskValue(path, saved),
      message: `${path} = ${show(path, saved)} is saved in ${filePath}, but ${over.by} = ${show(path, active)} is in effect; the saved value applies ${without}.`,
    });
  }
  return out;
}

/**
 * Problems of the file alone that a value from the environment or a flag hides, worded so the user learns
 * both what is wrong in the file and why the running proxy does not show it.
 */
export function hiddenProblems(layers: Layers, envNames: Record<string, string>, filePath: string): ConfigProblem[] {
  return fileAloneProblems(layers.file, filePath).map((p) => {
    const over = p.path ? overriddenBy(layers, envNames, p.path) : null;
    const hidden = over
      ? ` It is hidden right now by ${over.by}, but ccproxy would refuse to start without it.`
      : ' ccproxy would refuse to start with this file alone.';
    return { path: p.path, message: `${p.message}${hidden}` };
  });
}
