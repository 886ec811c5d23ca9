// Atomic save of .ccproxy.toml: merge the managed values into what the file already holds (unknown keys and
// sections survive), write a temp file beside it, fsync, rename. A failed save leaves the old file as it was.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'smol-toml';
import { ConfigError, readTomlFile } from './load.js';
import type { Layer } from './layers.js';

/** Applies `patch` (section → key → value; `undefined`/null removes a key) onto a file layer, returning a new layer. */
export function applyPatch(file: Layer, patch: Layer): Layer {
  const out: Layer = structuredClone(file);
  for (const [section, values] of Object.entries(patch)) {
    const target = section === 'model_mapping' ? {} : { ...(out[section] ?? {}) };
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || value === null || value === '') delete target[key];
      else target[key] = value;
    }
    out[section] = target;
  }
  return out;
}

/** Writes `data` to `file` atomically; returns the text written. */
export function writeTomlAtomic(file: string, data: Layer): string {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const text = `# ccproxy settings (written by ccproxy; unknown keys are kept)\n${stringify(data)}\n`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return text;
  } catch (err) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The folder itself is the problem; there is no temp file to clean up.
    }
    throw new ConfigError([`Cannot save settings to ${file}: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim()]);
  }
}

/** Reads the file as it is now (someone may have edited it), applies the patch and writes it atomically. */
export function saveConfigPatch(file: string, patch: Layer): Layer {
  const current = fs.existsSync(file) ? readTomlFile(file) : {};
  const next = applyPatch(current, patch);
  writeTomlAtomic(file, next);
  return next;
}
