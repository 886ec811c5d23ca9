// The layering rules of ARCHITECTURE.md, checked on the source: who may import electron, and that the shared
// contract and the renderer pull nothing from the main process in at runtime.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SOURCE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/;

interface ImportRef {
  file: string; // relative to the repo, with forward slashes
  specifier: string;
  typeOnly: boolean;
  line: number;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(p);
    return SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Comments out, line numbers kept (so `// import x from "electron"` in a comment is not an import). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[\s;{}])\/\/.*$/gm, '$1');
}

function importsOf(text: string, file = 'x.ts'): ImportRef[] {
  const src = stripComments(text);
  const refs: ImportRef[] = [];
  const lineAt = (i: number) => src.slice(0, i).split('\n').length;
  const patterns: Array<[RegExp, (m: RegExpExecArray) => boolean]> = [
    // import … from 'x' / export … from 'x' (multi-line lists included); only `import type` / `export type` are erased
    [/(?:^|[\n;])\s*(?:import|export)\s+(type\s+)?(?:[\w*$\s,{}]|\btype\b)*?\s*from\s*['"]([^'"]+)['"]/g, (m) => !!m[1]],
    [/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g, () => false], // side-effect import
    [/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, () => false], // dynamic import
    [/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, () => false],
  ];
  for (const [re, typeOnly] of patterns) {
    for (let m = re.exec(src); m; m = re.exec(src)) {
      const specifier = m[m.length - 1]!;
      refs.push({ file, specifier, typeOnly: typeOnly(m), line: lineAt(m.index + m[0].length) });
    }
  }
  return refs;
}

function scan(...dirs: string[]): ImportRef[] {
  return dirs.flatMap((d) =>
    walk(path.join(ROOT, d)).flatMap((f) => importsOf(fs.readFileSync(f, 'utf8'), path.relative(ROOT, f).split(path.sep).join('/'))),
  );
}

const isElectron = (s: string) => s === 'electron' || s.startsWith('electron/');
const show = (refs: ImportRef[]) => refs.map((r) => `${r.file}:${r.line} ${r.typeOnly ? 'import type' : 'import'} '${r.specifier}'`);

describe('import rules', () => {
  const all = scan('main', 'renderer');

  it('finds the sources', () => {
    expect(all.some((r) => r.file === 'main/runtime/runtime.ts')).toBe(true);
    expect(all.some((r) => r.file === 'main/desktop/main.ts' && r.specifier === 'electron')).toBe(true);
  });

  it('nothing outside main/desktop/ imports electron', () => {
    expect(show(all.filter((r) => isElectron(r.specifier) && !r.file.startsWith('main/desktop/')))).toEqual([]);
  });

  it('inside main/desktop/, only the entry points import electron at runtime (modules take it as parameters)', () => {
    const runtime = all.filter((r) => isElectron(r.specifier) && !r.typeOnly).map((r) => r.file);
    expect([...new Set(runtime)].sort()).toEqual(['main/desktop/main.ts', 'main/desktop/preload.ts']);
  });

  it('main/common/ has no runtime imports', () => {
    expect(show(all.filter((r) => r.file.startsWith('main/common/') && !r.typeOnly))).toEqual([]);
  });

  it('no route module imports another (what they share lives beside them, e.g. proxy/passthrough.ts)', () => {
    const routeToRoute = all.filter((r) => r.file.startsWith('main/proxy/routes/') && /^\.\/[^/]+$/.test(r.specifier));
    expect(show(routeToRoute)).toEqual([]);
  });

  it('main/proxy/ and main/runtime/ keep no module-level mutable state (each app and runtime owns its own)', () => {
    const lets = ['main/proxy', 'main/runtime'].flatMap((d) =>
      walk(path.join(ROOT, d)).flatMap((f) =>
        stripComments(fs.readFileSync(f, 'utf8'))
          .split('\n')
          .flatMap((line, i) => (/^(?:export\s+)?(?:let|var)\s/.test(line) ? [`${path.relative(ROOT, f).split(path.sep).join('/')}:${i + 1} ${line.trim()}`] : [])),
      ),
    );
    expect(lets).toEqual([]);
  });

  it('renderer/ imports from main/ only with `import type`, but for the contract (types and constants, no imports of its own)', () => {
    const intoMain = all.filter((r) => {
      if (!r.file.startsWith('renderer/') || !r.specifier.startsWith('.')) return false;
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(r.file), r.specifier)).split(path.sep).join('/');
      return target.startsWith('main/') && target !== 'main/common/contract.js';
    });
    expect(show(intoMain.filter((r) => !r.typeOnly))).toEqual([]);
  });

  it('the renderer takes the operation names from the contract instead of listing them again', () => {
    const names = all.filter((r) => r.file === 'renderer/bridge-electron.ts' && r.specifier === '../main/common/contract.js' && !r.typeOnly);
    expect(names).toHaveLength(1);
    expect(fs.readFileSync(path.join(ROOT, 'renderer/bridge-electron.ts'), 'utf8')).not.toMatch(/'getStatus'/);
  });
});

describe('the import scanner', () => {
  it('tells type-only imports from runtime ones, in every form', () => {
    const refs = importsOf(
      [
        "import type { A } from 'a';",
        "import { type B } from 'b';", // kept at runtime under verbatimModuleSyntax
        'import {',
        '  C,',
        '  D,',
        "} from 'c';",
        "import * as E from 'e';",
        "import F, { G } from 'f';",
        "import 'side-effect';",
        "export type { H } from 'h';",
        "export { I } from 'i';",
        "export * from 'star';",
        "const j = await import('dyn');",
        "const k = require('req');",
        "// import nope from 'commented';",
        "/* import nope2 from 'block'; */",
        "const url = 'http://example.com/'; import L from 'l';",
      ].join('\n'),
    );
    const byName = Object.fromEntries(refs.map((r) => [r.specifier, r.typeOnly]));
    expect(byName).toEqual({ a: true, b: false, c: false, e: false, f: false, 'side-effect': false, h: true, i: false, star: false, dyn: false, req: false, l: false });
  });
});
