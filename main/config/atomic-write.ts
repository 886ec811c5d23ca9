// Writing the config file so that nothing is ever lost: into the real file behind a symlink, refusing a file
// the user made read-only, keeping its mode and owner, through a temp file + fsync + rename so a crash or a
// full disk leaves either the old text or the new one, never half of it.
// Every fs call goes through the `fs` default export on purpose: tests make single calls fail with vi.spyOn.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from './load.js';

/**
 * The file a save really writes: the target of a symlink (chains included), so the link stays a link.
 * A dangling link is followed to where it points (the save creates the target there).
 */
export function resolveSaveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (err) {
    // Not there (or not reachable): the write below reports why, in its own words.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return file;
  }
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return current; // nothing there yet: the save creates it
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  throw new ConfigError([`Cannot save settings to ${file}: too many symbolic links.`]);
}

/** The text the file holds now, or null when there is none. */
export function readTextIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([`Cannot save settings to ${file}: it cannot be read first (${(err as Error).message}). Nothing was changed.`]);
  }
}

const WRITE_BITS = 0o222;

/**
 * Refuses to replace a file the user protected. Mode bits are checked as well as access(): running as root,
 * access() allows everything, but a 0444 file was made read-only on purpose.
 */
export function checkWritable(target: string, shownAs: string): fs.Stats | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([`Cannot save settings to ${shownAs}: ${(err as Error).message}`]);
  }
  const where = target === shownAs ? shownAs : `${shownAs} (a link to ${target})`;
  if (!stat.isFile()) throw new ConfigError([`Cannot save settings to ${where}: it is not a regular file.`]);
  let writable = (stat.mode & WRITE_BITS) !== 0;
  if (writable) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new ConfigError([
      `Cannot save settings: ${where} is read-only (mode ${mode}). Nothing was changed. Make it writable (chmod u+w) to save from ccproxy, or edit it by hand.`,
    ]);
  }
  return stat;
}

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${err.message})`;
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return err.code ? `${err.code} ${err.message}` : err.message;
  }
}

/**
 * Replaces `target` with `text` atomically. `shownAs` is the path the user knows (the link, when there is one).
 * Throws a ConfigError saying why and that the old file is unchanged; no temp file is left behind.
 */
export function writeFileAtomic(target: string, text: string, shownAs: string = target): void {
  const before = checkWritable(target, shownAs);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(tmp, 'wx', 0o600);
    // The new file takes the old one's mode and owner (a 0640 group-readable file stays so); a new file is 0600,
    // as it may hold an API key.
    if (before) {
      fs.fchmodSync(fd, before.mode & 0o7777);
      try {
        fs.fchownSync(fd, before.uid, before.gid);
      } catch (err) {
        // Only root may give a file away; anyone else writes a file they already own, so this is not a loss.
        if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      }
    }
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the temp file is removed below either way.
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The folder itself is the problem; there is no temp file to clean up.
    }
    const where = target === shownAs ? shownAs : `${shownAs} (a link to ${target})`;
    throw new ConfigError([`Cannot save settings to ${where}: ${reason(err as NodeJS.ErrnoException)}. ${before ? 'The file is unchanged.' : 'No file was written.'}`]);
  }
  syncFolder(dir);
}

/** Makes the rename itself durable; some platforms cannot open a folder, which only costs durability. */
function syncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Best effort, see above.
  }
}
