// Notices edits to the config file made outside the app (an editor, a script) so they apply live.
// Watches the folder, not the file: an atomic save (ours or an editor's) replaces the file's inode.
import fs from 'node:fs';
import path from 'node:path';

export function watchConfigFile(file: string, onChange: (text: string | null) => void, debounceMs = 250): () => void {
  const dir = path.dirname(file);
  const name = path.basename(file);
  let timer: NodeJS.Timeout | null = null;
  let watcher: fs.FSWatcher;
  try {
    watcher = fs.watch(dir, { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        let text: string | null = null;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          // Deleted or unreadable: reported as null, the caller keeps its settings.
        }
        onChange(text);
      }, debounceMs);
    });
  } catch {
    // The folder does not exist (no config file yet): nothing to watch.
    return () => {};
  }
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
