// Settings typos are caught: a name ccproxy does not read is reported (file) or refused (save), and a save
// touches the text of the saved key only, every other byte of the file kept.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planSave } from '../../main/config/save.js';
import { nearestName, unknownSettings } from '../../main/config/unknown.js';
import { BASE_TOML, bytesOf, NO_UPSTREAM, startSettingsRuntime, tempDir, type SettingsRuntime } from '../fixtures/settings-runtime.js';

const open: SettingsRuntime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const start = async (...args: Parameters<typeof startSettingsRuntime>) => {
  const s = await startSettingsRuntime(...args);
  open.push(s);
  return s;
};
const adminSave = (s: SettingsRuntime, body: unknown) =>
  s.runtime.app()!.inject({ method: 'POST', url: '/admin/api/saveSettings', headers: { host: '127.0.0.1', 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const warnLines = (s: SettingsRuntime) => s.runtime.logs().filter((e) => e.level === 'warn').map((e) => e.message);

describe('the nearest valid name', () => {
  it('forgives a missing letter, a swap, case and dashes; guesses nothing for a far name', () => {
    expect(nearestName('pool_setting', ['server', 'pool_settings', 'upstream'])).toBe('pool_settings');
    expect(nearestName('maxsize', ['min_size', 'max_size'])).toBe('max_size');
    expect(nearestName('max_siez', ['min_size', 'max_size'])).toBe('max_size');
    expect(nearestName('Max-Size', ['min_size', 'max_size'])).toBe('max_size');
    expect(nearestName('colour', ['min_size', 'max_size'])).toBeNull();
  });

  it('model_mapping keys are model names, never typos', () => {
    expect(unknownSettings({ model_mapping: { 'my-model': 'claude-x' }, pool_settings: { max_size: 3 } })).toEqual([]);
  });
});

describe('in the file: reported, kept', () => {
  it('an unknown section at start: one WARN line with the nearest section, and a notice in the Settings view', async () => {
    const s = await start({ toml: `${BASE_TOML}[pool_setting]\nmax_size = 9\n` });
    const expected = '`[pool_setting]` is not a section ccproxy reads; did you mean `[pool_settings]`?';
    expect(warnLines(s).filter((m) => m.includes(expected))).toEqual([`[STARTUP] ${expected} (in ${s.configPath}; left as it is)`]);
    expect(s.runtime.settingsView().unknown).toEqual([{ path: 'pool_setting', nearest: 'pool_settings', message: expected }]);
  });

  it('an unknown key added by a hand edit: one WARN line at the reload, the notice follows, the file is left as it is', async () => {
    const s = await start({ toml: BASE_TOML });
    const edited = `${BASE_TOML}maxsize = 9\n`;
    fs.writeFileSync(s.configPath, edited);
    const expected = '`maxsize` is not a setting of [pool_settings] that ccproxy reads; did you mean `max_size`?';
    await expect.poll(() => warnLines(s).filter((m) => m.includes(expected)).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => s.runtime.settingsView().unknown?.map((u) => u.path)).toEqual(['pool_settings.maxsize']);
    expect(fs.readFileSync(s.configPath, 'utf8')).toBe(edited);
  });
});

describe('in a save: refused, nothing written', () => {
  it.each([
    [{ pool_setting: { max_size: 9 } }, '`[pool_setting]` is not a section ccproxy reads; did you mean `[pool_settings]`?'],
    [{ pool_settings: { maxsize: 9 } }, '`maxsize` is not a setting of [pool_settings] that ccproxy reads; did you mean `max_size`?'],
  ])('POST /admin/api/saveSettings %j is a 400 naming it and the nearest name', async (body, message) => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    const res = await adminSave(s, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: `Not saved: ${message} Nothing was written.` });
    expect(bytesOf(s.configPath)).toEqual(before);
  });

  it('the same refusal from the runtime itself (window, tray): ok false, the file byte-identical', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4, maxsize: 9 } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'pool_settings.maxsize', message: 'Not saved: `maxsize` is not a setting of [pool_settings] that ccproxy reads; did you mean `max_size`? Nothing was written.' }] });
    expect(bytesOf(s.configPath)).toEqual(before);
  });
});

describe('saving one key leaves every other line byte-identical', () => {
  const sample = fs.readFileSync(path.join(import.meta.dirname, '../../examples/.ccproxy.toml'), 'utf8');
  const fileWith = (text: string) => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, '.ccproxy.toml');
    fs.writeFileSync(file, text);
    return file;
  };
  const changedLines = (a: string, b: string) => {
    const [x, y] = [a.split('\n'), b.split('\n')];
    expect(y).toHaveLength(x.length);
    return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]]]));
  };

  it('the sample config: only the saved key\'s value changes, its aligned comment stays where it was', () => {
    const plan = planSave(fileWith(sample), { pool_settings: { max_size: 9 } });
    expect(changedLines(sample, plan.after)).toEqual([
      ['max_size = 10           # most connections at once (1-100, >= min_size)', 'max_size = 9           # most connections at once (1-100, >= min_size)'],
    ]);
  });

  it('odd spacing (`port = 8314   # …`) on an untouched line is kept; on the saved line only the value moves', () => {
    const text = '[server]\nport = 8314   # odd   spacing\nhost="127.0.0.1"\n\n[pool_settings]\n  max_size   =   7\t# tabbed\n';
    const other = planSave(fileWith(text), { pool_settings: { max_size: 8 } }).after;
    expect(other).toBe(text.replace('=   7\t', '=   8\t'));
    const port = planSave(fileWith(text), { server: { port: 8315 } }).after;
    expect(port).toBe(text.replace('port = 8314   #', 'port = 8315   #'));
  });

  it('a new key goes after its section\'s last key, a new section at the end, a removed key takes its line only', () => {
    const text = '# mine\n[server]\nport = 8314   # x\n\n[logging]\nlevel = "debug"  # y\n';
    const added = planSave(fileWith(text), { server: { host: '::1' }, pool_settings: { max_size: 3 } }).after;
    expect(added).toBe('# mine\n[server]\nport = 8314   # x\nhost = "::1"\n\n[logging]\nlevel = "debug"  # y\n\n[pool_settings]\nmax_size = 3\n');
    const removed = planSave(fileWith(text), { logging: { level: undefined } }).after;
    expect(removed).toBe('# mine\n[server]\nport = 8314   # x\n\n[logging]\n');
  });

  it('a layout this cannot patch by range (dotted keys) is still saved right, through toml-patch', () => {
    const file = fileWith('pool_settings.max_size = 7\n');
    const plan = planSave(file, { pool_settings: { max_size: 8 } });
    expect(plan.nextFile).toEqual({ pool_settings: { max_size: 8 } });
    expect(plan.after).toContain('8');
  });

  it('through the runtime: a saved key in a file with odd spacing, the rest of the bytes kept', async () => {
    const toml = `[server]\nport = 0      # any free port\n\n[upstream]\nbase_url   =  "${NO_UPSTREAM}"   # nothing listens\n\n[pool_settings]\nmin_size = 0\nmax_size    = 10  # top\n`;
    const s = await start({ toml });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result.ok).toBe(true);
    expect(fs.readFileSync(s.configPath, 'utf8')).toBe(toml.replace('max_size    = 10  #', 'max_size    = 4  #'));
  });
});
