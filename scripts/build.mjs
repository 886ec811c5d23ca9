// Builds what the app runs: the headless CLI, the Electron main process, the preload (CommonJS: a sandboxed
// preload cannot be an ES module) and the renderer bundle. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import fs from 'node:fs';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
const node = { ...common, platform: 'node', target: 'node20', format: 'esm', packages: 'external' };

const jobs = [build({ ...node, entryPoints: ['main/cli.ts'], outfile: 'dist/main/cli.js' })];
if (fs.existsSync('main/desktop/main.ts')) {
  jobs.push(build({ ...node, entryPoints: ['main/desktop/main.ts'], outfile: 'dist/main/desktop/main.js', external: ['electron'] }));
}
if (fs.existsSync('main/desktop/preload.ts')) {
  jobs.push(build({ ...common, platform: 'node', format: 'cjs', entryPoints: ['main/desktop/preload.ts'], outfile: 'dist/main/desktop/preload.cjs', external: ['electron'] }));
}
if (fs.existsSync('renderer/build.mjs')) {
  const { buildRenderer } = await import('../renderer/build.mjs');
  jobs.push(buildRenderer());
}
await Promise.all(jobs);
