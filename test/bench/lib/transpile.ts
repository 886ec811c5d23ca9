// The measured processes run plain JavaScript, not TypeScript through tsx: tsx's loader thread adds about 80 MB of
// RSS and its own CPU to every process, which would blur the very figures (peak RSS, CPU per request) the bench
// reports. Each source file is transpiled on its own (no bundle), so a CPU profile still names main/proxy/…
// files, and the output sits inside the repository so `node_modules` resolves as it does from source.
import fs from 'node:fs';
import path from 'node:path';
import { build, stop } from 'esbuild';

export const BUILD_DIR = path.join('test-output', 'proxy-bench-build');

/** Folders whose .ts files the children need: the proxy, the fake upstream, and this bench's own child entries. */
const SOURCES = ['main', 'test/fixtures/fake-upstream', 'test/fixtures/tls', 'test/bench'];
// Electron-only code is never loaded by the CLI.
const SKIP = /^main\/desktop\//;

function tsFiles(repoRoot: string): string[] {
  return SOURCES.flatMap((dir) =>
    fs
      .readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
      .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !SKIP.test(f)),
  );
}

/** Transpiles into BUILD_DIR (emptied first) and returns the absolute path of the output for a source file. */
export async function transpileForBench(repoRoot: string): Promise<(source: string) => string> {
  const outdir = path.join(repoRoot, BUILD_DIR);
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: repoRoot,
    entryPoints: tsFiles(repoRoot),
    outdir,
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  // esbuild keeps a service process alive for further builds; it would sit beside the measured processes.
  await stop();
  return (source) => path.join(outdir, source.replace(/\.ts$/, '.js'));
}

/** `test-output/proxy-bench-build/main/proxy/x.js` in a profile is `main/proxy/x.ts` in the sources. */
export function sourcePathOf(relative: string): string {
  const prefix = `${BUILD_DIR.split(path.sep).join('/')}/`;
  return relative.startsWith(prefix) ? relative.slice(prefix.length).replace(/\.js$/, '.ts') : relative;
}
