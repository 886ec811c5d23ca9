// `npm run serve -- [flags]`: ONE Node process that installs what is missing, builds if stale, then runs the
// headless proxy in this same process (the built dist/main/cli.js, imported; it reads process.argv as usual).
// Why one process: npm forwards SIGTERM only to the shell it started (`sh -c "<script>"`); a chain
// `a && b && node dist/main/cli.js` left the proxy as a grandchild that a supervisor's `kill <npm pid>` never
// reached, orphaned and holding the port.
// Why the parent watch: npm's shell is dash on Debian/Ubuntu, and dash 0.5.12 does not exec even a single
// command, so SIGTERM still stops at the shell (which dies of it); on Windows npm's cmd.exe is terminated outright.
// Either way this process sees its parent vanish, and then stops exactly as on SIGTERM (graceful, [SHUTDOWN]).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { watchParent } from './lib/watch-parent.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await import('./ensure-deps.mjs');
const { isUpToDate, buildAll, UP_TO_DATE } = await import('./build.mjs');
if (isUpToDate()) console.error(UP_TO_DATE);
else await buildAll();

watchParent(() => {
  console.error('ccproxy: the process that started this one (npm, or its shell) has gone; shutting down');
  process.emit('SIGTERM', 'SIGTERM');
});
await import(pathToFileURL(path.join(ROOT, 'dist', 'main', 'cli.js')).href);
