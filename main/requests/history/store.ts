// Opening the history file: WAL, an exclusive lock (a second ccproxy on the same file is told, not mixed in), the
// schema brought up to date, and a bounded page cache. Any failure is an answer, not a crash: the proxy then
// serves with history off and says why. Nothing here ever deletes the file; a corrupt one is moved aside only
// when the user asks (--reset-history, or the desktop's button).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, NewerSchemaError } from './migrations.js';

/** SQLite's page cache for this connection, in KiB: the store's memory does not grow with the history's size. */
export const CACHE_KIB = 8 * 1024;

export type OpenResult = { ok: true; db: Database.Database; migrated: { from: number; to: number } } | { ok: false; reason: string; corrupt: boolean };

/** Opens (or creates) the history file at `file`. */
export function openHistoryFile(file: string): OpenResult {
  let db: Database.Database | null = null;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { timeout: 250 });
    // Set before any table exists, so deleted pages can be given back to the file system by the size pruning.
    db.pragma('auto_vacuum = INCREMENTAL');
    // Exclusive: the lock is held from the first write until close, so a second process gets SQLITE_BUSY at once
    // instead of sharing the file (and in WAL mode no -shm file is needed).
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`cannot use WAL mode (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma('temp_store = MEMORY');
    // A write takes the exclusive lock now, not at the first request.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
    // Reads the schema: a damaged header or first page fails here (the full check would read the whole file).
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const migrated = migrate(db);
    return { ok: true, db, migrated };
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already unusable
    }
    return { ok: false, ...explain(err, file) };
  }
}

/** One sentence a user can act on, from SQLite's or the file system's error. */
export function explain(err: unknown, file: string): { reason: string; corrupt: boolean } {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const msg = e.message ?? String(err);
  if (err instanceof NewerSchemaError) return { reason: `${msg} (${file})`, corrupt: false };
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || /malformed|not a database/i.test(msg)) {
    return { reason: `the history file is damaged (${msg}): ${file}; start with --reset-history (or use "Reset history" in the app) to move it aside and begin a new one`, corrupt: true };
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED' || /database is locked/i.test(msg)) {
    return { reason: `the history file is in use by another ccproxy: ${file}`, corrupt: false };
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full|no space/i.test(msg)) return { reason: `the disk is full: ${file}`, corrupt: false };
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_CANTOPEN')) {
    return { reason: `the history folder or file is read-only or cannot be opened (${msg}): ${file}`, corrupt: false };
  }
  return { reason: `${msg} (${file})`, corrupt: false };
}

/** Moves a damaged file (and its -wal) aside as <file>.corrupt-<time>; returns the new name. Never deletes. */
export function moveAside(file: string, now = new Date()): string | null {
  if (!fs.existsSync(file)) return null;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  for (const extra of ['-wal', '-shm']) if (fs.existsSync(file + extra)) fs.renameSync(file + extra, aside + extra);
  return aside;
}
