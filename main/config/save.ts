// Saving .ccproxy.toml: the managed values are patched into the file's own text, so comments, key order,
// formatting and keys this app does not know survive (toml-patch edits only what changed); the result is
// written with writeFileAtomic (real file behind a link, mode and owner kept, temp file + fsync + rename).
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { patch as patchTomlText, stringify as stringifyToml } from '@decimalturn/toml-patch';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './load.js';
import { unknownSettings } from './unknown.js';
import { patchTextRanges } from './text-patch.js';
import type { Layer } from './layers.js';
import { readTextIfExists, resolveSaveTarget, writeFileAtomic } from './atomic-write.js';

/** Applies `patch` (section → key → value; `undefined`/null/'' removes a key) onto a file layer, returning a new layer. */
export function applyPatch(file: Layer, patch: Layer): Layer {
  const out: Layer = structuredClone(file);
  for (const [section, values] of Object.entries(patch)) {
    // model_mapping is one value (the whole table), every other section is patched key by key.
    const target = section === 'model_mapping' ? {} : { ...(out[section] ?? {}) };
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || value === null || value === '') delete target[key];
      else target[key] = value;
    }
    out[section] = target;
  }
  return out;
}

const NEW_FILE_HEADER = '# ccproxy settings. Hand edits and comments are kept when ccproxy saves.\n';

/** The file's new text: `current` edited in place, or a fresh file when there is none (or it is empty). */
export function renderToml(current: string | null, next: Layer): string {
  if (current === null || current.trim() === '') return `${NEW_FILE_HEADER}${stringifyToml(next)}`;
  return patchTomlText(current, next);
}

export function parseTomlText(text: string | null, file: string): Layer {
  if (text === null) return {};
  try {
    return parseToml(text) as Layer;
  } catch (err) {
    throw new ConfigError([`${file} is not valid TOML: ${(err as Error).message.split('\n')[0]}`]);
  }
}

function parseTomlTextOrNull(text: string): Layer | null {
  try {
    return parseToml(text) as Layer;
  } catch {
    return null;
  }
}

/** What a save will write, worked out before anything is touched. */
export interface PlannedWrite {
  /** The path the user knows (may be a link). */
  file: string;
  /** The real file behind it. */
  target: string;
  /** The file's text and values before the save (null: there was no file). */
  before: string | null;
  beforeFile: Layer;
  after: string;
  nextFile: Layer;
}

/** Reads the file as it is now (someone may have edited it), applies the patch to its text. Writes nothing. */
export function planSave(file: string, patch: Layer): PlannedWrite {
  // Every caller (window, admin API, tray) ends here: a name ccproxy does not read is never written.
  const unknown = unknownSettings(patch);
  if (unknown.length) throw new ConfigError(unknown.map((u) => ({ path: u.path, message: `Not saved: ${u.message} Nothing was written.` })));
  const target = resolveSaveTarget(file);
  const before = readTextIfExists(target);
  let beforeFile: Layer;
  try {
    beforeFile = parseTomlText(before, file);
  } catch (err) {
    throw new ConfigError([`Cannot save settings: ${(err as Error).message}. Fix the file by hand first; nothing was changed.`]);
  }
  const nextFile = applyPatch(beforeFile, patch);
  const expected = parseTomlText(renderToml(null, nextFile), file);
  const gives = (text: string | null) => text !== null && isDeepStrictEqual(parseTomlTextOrNull(text), expected);
  // First the changed keys' own text ranges (every other byte kept); a layout that cannot be patched that way
  // goes through toml-patch. Either must give back exactly the data asked for; a surprise is refused, not written.
  const ranged = before !== null && before.trim() !== '' ? patchTextRanges(before, beforeFile, nextFile) : null;
  const after = gives(ranged) ? ranged! : renderToml(before, nextFile);
  if (!gives(after)) {
    throw new ConfigError([`Cannot save settings to ${file}: editing its text in place did not give the expected values. Nothing was changed.`]);
  }
  return { file, target, before, beforeFile, after, nextFile };
}

export function commitWrite(plan: PlannedWrite): void {
  writeFileAtomic(plan.target, plan.after, plan.file);
}

/** Puts the old text back (the same atomic write), or removes a file this save created. */
export function undoWrite(plan: PlannedWrite): void {
  if (plan.before !== null) writeFileAtomic(plan.target, plan.before, plan.file);
  else fs.rmSync(plan.target, { force: true });
}
