// Builds what the app runs, with esbuild, in one pass for both shells:
//  - dist/main/cli.js (headless, `npm run serve`) and dist/main/desktop/main.js (Electron's main process) are two
//    entries of ONE bundle with code splitting: what they share (the runtime, the proxy, the pool, their npm
//    dependencies) is in the same chunks under dist/main/chunks/, and a module imported with `await import()`
//    (the OpenAI routes and @anthropic-ai/sdk) is a chunk of its own, read only when first used.
//    Only `electron` and native modules stay outside the bundle (see EXTERNAL), so the packaged app needs no
//    node_modules but those.
//  - dist/main/desktop/preload.cjs: CommonJS (a sandboxed preload cannot be an ES module), only `electron` outside.
//  - dist/renderer/: the window's and the dashboard's page (renderer/build.mjs).
// Source maps sit beside each file (mappings only, no copy of the sources); each entry turns Node's source-map
// support on before it loads the rest, so stack traces name main/… files and lines.
//
// `--if-stale` (npm run serve, npm start): does nothing, and says so in one line, when no input is newer than the
// last complete build. Type checking is `npm run typecheck`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
/** What the output depends on: our sources, the build scripts, and the installed dependencies (they are bundled). */
const INPUTS = ['main', 'renderer', 'scripts/build.mjs', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json'];
/** Native modules load a compiled .node file next to their package: they cannot be bundled. */
export const NATIVE = ['better-sqlite3'];
/**
 * Native packages present only on some systems: system-ca reads the Windows and macOS certificate stores through
 * these optional dependencies (on Linux it reads the store's files; its require()s of them are guarded).
 */
export const PLATFORM_NATIVE = ['win-export-certificate-and-key', 'macos-export-certificate-and-key'];
const EXTERNAL = ['electron', ...NATIVE, ...PLATFORM_NATIVE];

/** The newest input file: its path and modification time (0 when there is none). */
export function newestInput(root = ROOT) {
  let newest = { file: null, mtimeMs: 0 };
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else if (st.mtimeMs > newest.mtimeMs) newest = { file: p, mtimeMs: st.mtimeMs };
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return newest;
}

export const UP_TO_DATE = 'ccproxy: build is up to date (no source newer than dist/), not rebuilding';

export function isUpToDate(root = ROOT) {
  const stamp = path.join(root, 'dist', '.build-stamp');
  if (!fs.existsSync(stamp)) return false;
  return newestInput(root).mtimeMs <= fs.statSync(stamp).mtimeMs;
}

// Each entry is a two-line module: source maps on, then the real entry, imported dynamically so that every chunk
// (parsed after this line) gets its map read. A static import would be loaded before any of our code runs.
// The import is awaited at the top level: Electron emits `ready` only once the entry module has finished
// evaluating, so main.ts's synchronous start (app.setName, setPath, registerSchemesAsPrivileged) still runs
// before `ready`, as those calls require (Electron's ESM notes: "use await generously before the ready event").
const entries = { cli: 'main/cli.ts', 'desktop/main': 'main/desktop/main.ts' };
const entryPlugin = {
  name: 'ccproxy-entries',
  setup(b) {
    b.onResolve({ filter: /^ccproxy-entry:/ }, (args) => ({ path: args.path.slice('ccproxy-entry:'.length), namespace: 'ccproxy-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'ccproxy-entry' }, (args) => ({
      contents: `process.setSourceMapsEnabled(true);\nawait import(${JSON.stringify(path.join(ROOT, args.path))});\n`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

export async function buildAll() {
  // Imported here: an up-to-date check (`--if-stale`) never pays for loading esbuild.
  const { build } = await import('esbuild');
  fs.rmSync(path.join(ROOT, 'dist', 'main'), { recursive: true, force: true });
  fs.rmSync(STAMP, { force: true });
  const common = { absWorkingDir: ROOT, bundle: true, sourcemap: true, sourcesContent: false, logLevel: 'warning', legalComments: 'none', platform: 'node', target: 'node20' };
  const jobs = [
    build({
      ...common,
      metafile: true, // written to dist/build-meta.json: which output imports what (the tests read it)
      entryPoints: Object.entries(entries).map(([out, src]) => ({ in: `ccproxy-entry:${src}`, out })),
      outdir: 'dist/main',
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      external: EXTERNAL,
      plugins: [entryPlugin],
      // Bundled CommonJS packages call require() for Node built-ins; an ES module has no require of its own.
      banner: { js: "import { createRequire as __ccproxyCreateRequire } from 'node:module'; const require = __ccproxyCreateRequire(import.meta.url);" },
    }),
    build({ ...common, format: 'cjs', entryPoints: ['main/desktop/preload.ts'], outfile: 'dist/main/desktop/preload.cjs', external: ['electron'] }),
  ];
  if (fs.existsSync(path.join(ROOT, 'renderer/build.mjs'))) {
    const { buildRenderer } = await import('../renderer/build.mjs');
    jobs.push(buildRenderer());
  }
  const [main] = await Promise.all(jobs);
  fs.writeFileSync(path.join(ROOT, 'dist', 'build-meta.json'), JSON.stringify(main.metafile));
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) {
  if (process.argv.includes('--if-stale') && isUpToDate()) {
    console.error(UP_TO_DATE);
  } else {
    await buildAll();
  }
}
