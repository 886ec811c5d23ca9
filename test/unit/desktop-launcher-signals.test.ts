// `npm start`'s launcher (scripts/start-desktop.mjs) and Ctrl-C: the terminal sends SIGINT to the whole process
// group, so Electron, in the launcher's group, already has it. The stand-in here behaves as Electron does on POSIX:
// the first SIGINT/SIGTERM starts a clean quit (its [SHUTDOWN] line after a short drain), and it restores the
// default handler, so a second signal kills it at once. The launcher must not send that second one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const STAND_IN = `#!${process.execPath}
let quitting = false;
const quit = (signal) => {
  // Electron's shutdown handler: one graceful attempt, then the default action for any further signal.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  if (quitting) return;
  quitting = true;
  console.log('stand-in: ' + signal + ', quitting cleanly');
  setTimeout(() => { console.log('[SHUTDOWN] ccproxy stopped'); process.exit(0); }, 300);
};
process.on('SIGINT', () => quit('SIGINT'));
process.on('SIGTERM', () => quit('SIGTERM'));
console.log('stand-in: ready');
setInterval(() => {}, 1000);
`;

describe.skipIf(process.platform === 'win32')('npm start launcher and signals', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-launcher-'));
    fs.writeFileSync(path.join(dir, 'electron'), STAND_IN, { mode: 0o755 });
    if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'desktop', 'main.js'))) throw new Error('build first: node scripts/build.mjs');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The launcher as the leader of its own process group (as in a terminal), with the stand-in as Electron. */
  async function launch(viaShell = false) {
    const launcher = [process.execPath, path.join(ROOT, 'scripts', 'start-desktop.mjs')];
    // viaShell: as npm runs it, `sh -c "… && node scripts/start-desktop.mjs"` (the shell does not exec the launcher).
    const [file, args] = viaShell ? ['/bin/sh', ['-c', `true && "${launcher[0]}" "${launcher[1]}"`]] : [launcher[0]!, [launcher[1]!]];
    const proc = spawn(file, args, {
      detached: true,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
    const end = Date.now() + 30_000;
    while (!out.includes('stand-in: ready')) {
      if (Date.now() > end) throw new Error(`the stand-in did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return { proc, exited, output: () => out };
  }

  it('Ctrl-C (SIGINT to the whole group): Electron quits cleanly and the launcher waits for it', async () => {
    const { proc, exited, output } = await launch();
    process.kill(-proc.pid!, 'SIGINT'); // what the terminal does
    const { code } = await exited;
    expect(output()).toContain('stand-in: SIGINT, quitting cleanly');
    expect(output()).toContain('[SHUTDOWN] ccproxy stopped');
    expect(code).toBe(0);
  }, 40_000);

  it('SIGTERM to the launcher alone (kill, a service manager) is passed on once', async () => {
    const { proc, exited, output } = await launch();
    process.kill(proc.pid!, 'SIGTERM');
    const { code } = await exited;
    expect(output()).toContain('stand-in: SIGTERM, quitting cleanly');
    expect(output()).toContain('[SHUTDOWN] ccproxy stopped');
    expect(code).toBe(0);
  }, 40_000);

  it("npm's shell killed (a supervisor stopping `npm start`): the launcher sees it and Electron quits cleanly", async () => {
    const { proc, exited, output } = await launch(true);
    process.kill(proc.pid!, 'SIGTERM'); // npm forwards SIGTERM to its shell only; the shell dies of it
    await exited; // stdout closes only when the launcher and the stand-in have both exited
    expect(output()).toContain('stand-in: SIGTERM, quitting cleanly');
    expect(output()).toContain('[SHUTDOWN] ccproxy stopped');
  }, 40_000);
});
