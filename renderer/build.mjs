// Builds the renderer: one minified ES module bundle (uPlot included) plus the static files, into
// dist/renderer/. Called by scripts/build.mjs and by the browser tests before they open the page.
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** @param {{ outDir?: string }} [options] */
export async function buildRenderer(options = {}) {
  const outDir = options.outDir ?? path.resolve(here, '..', 'dist', 'renderer');
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(here, 'main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome120'],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  // Every stylesheet of the renderer (one per concept, linked from index.html).
  for (const css of fs.readdirSync(here).filter((f) => f.endsWith('.css'))) fs.copyFileSync(path.join(here, css), path.join(outDir, css));
  fs.copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), path.join(outDir, 'uPlot.min.css'));
  return { outDir };
}
