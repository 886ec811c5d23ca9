// Saving never loses or breaks the file: every case goes through runtime.saveSettings (the code the window, the
// tray and the admin API use) and looks at the bytes on disk afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BASE_TOML, bytesOf, startSettingsRuntime, tempDir, type SettingsRuntime } from '../fixtures/settings-runtime.js';

const open: SettingsRuntime[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of open.splice(0)) await s.close();
});
const start = async (...args: Parameters<typeof startSettingsRuntime>) => {
  const s = await startSettingsRuntime(...args);
  open.push(s);
  return s;
};
const tempFilesIn = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
const errnoError = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('a save that cannot be written leaves the file byte-identical', () => {
  it('the rename fails: not saved, the answer says why, no temp file, running settings unchanged', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw errnoError('EIO');
    });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining(`Cannot save settings to ${s.configPath}: EIO`) }] });
    expect(result.ok === false && result.errors[0]!.message).toContain('The file is unchanged.');
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(tempFilesIn(s.dir)).toEqual([]);
    expect(s.runtime.stats().settings.max_size).toBe(10);
    expect(s.runtime.settingsView().values.pool_settings!.max_size).toBe(10);
  });

  it('the disk is full (ENOSPC on write): not saved, says the disk is full, the old file stays', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw errnoError('ENOSPC');
    });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining('the disk is full') }] });
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(tempFilesIn(s.dir)).toEqual([]);
    expect(s.runtime.stats().settings.max_size).toBe(10);
  });

  it('fsync fails (an I/O error before the data is safe): not saved, the old file stays', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw errnoError('EIO');
    });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining(`Cannot save settings to ${s.configPath}: EIO`) }] });
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(tempFilesIn(s.dir)).toEqual([]);
  });

  it('the folder for a new file cannot be made (home is a file): a clear error, nothing created', async () => {
    const s = await start({});
    const home = path.dirname(s.configPath);
    fs.rmSync(home, { recursive: true });
    fs.writeFileSync(home, 'not a folder');
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining(`Cannot save settings to ${s.configPath}: `) }] });
    expect(fs.readFileSync(home, 'utf8')).toBe('not a folder');
    expect(s.runtime.settingsView().values.pool_settings!.max_size).toBe(10);
  });

  it('a read-only file (0444) is refused with a clear error and stays as it is, even for root', async () => {
    const s = await start({ toml: BASE_TOML });
    fs.chmodSync(s.configPath, 0o444);
    const before = bytesOf(s.configPath);
    const inode = fs.statSync(s.configPath).ino;
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: `Cannot save settings: ${s.configPath} is read-only (mode 0444). Nothing was changed. Make it writable (chmod u+w) to save from ccproxy, or edit it by hand.` }] });
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(fs.statSync(s.configPath)).toMatchObject({ ino: inode, mode: expect.any(Number) });
    expect(fs.statSync(s.configPath).mode & 0o777).toBe(0o444);
    expect(s.runtime.stats().settings.max_size).toBe(10);
  });
});

describe('a file broken by hand since the start', () => {
  it('is not overwritten: the save is refused and says to fix the file first', async () => {
    const s = await start({ toml: BASE_TOML });
    fs.writeFileSync(s.configPath, `${BASE_TOML}max_size = \n`);
    const before = bytesOf(s.configPath);
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(new RegExp(`^Cannot save settings: .*ccproxy\\.toml is not valid TOML: .*Fix the file by hand first; nothing was changed\\.$`)) }] });
    expect(bytesOf(s.configPath)).toEqual(before);
  });
});

describe('what a save keeps', () => {
  it('a symlinked config: the link stays a link, its target is updated, mode and owner are kept', async () => {
    const dir = tempDir();
    const real = path.join(dir, 'dotfiles', 'ccproxy.toml');
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, BASE_TOML);
    fs.chmodSync(real, 0o640);
    fs.chownSync(real, 1234, 2345); // tests run as root: give the file away, the save must give it back
    const link = path.join(dir, '.ccproxy.toml');
    fs.symlinkSync(path.join('dotfiles', 'ccproxy.toml'), link);
    const s = await start({ dir, configPath: link });

    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(result.ok).toBe(true);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe(path.join('dotfiles', 'ccproxy.toml'));
    expect(fs.readFileSync(real, 'utf8')).toBe(BASE_TOML.replace('min_size = 0', 'min_size = 0\nmax_size = 4'));
    const st = fs.statSync(real);
    expect({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }).toEqual({ mode: 0o640, uid: 1234, gid: 2345 });
    expect(tempFilesIn(path.dirname(real))).toEqual([]);
  });

  it('comments, order, spacing and unknown keys of a hand-edited file survive; only the changed value moves', async () => {
    const hand = [
      '# My proxy. Do not touch the port, Bob.',
      '',
      '[server]',
      'port    = 0        # any free port',
      '',
      '[pool_settings]',
      '# small, the laptop is slow',
      'max_size = 10   # was 20',
      'min_size = 0',
      'future_knob = "keep me"',
      '',
      '[upstream]',
      'base_url = "http://127.0.0.1:9"',
      '',
      '[someone_elses]',
      'answer = 42 # of course',
      '',
    ].join('\n');
    const s = await start({ toml: hand });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 6 }, logging: { level: 'debug' } });
    expect(result.ok).toBe(true);
    const expected = `${hand.replace('max_size = 10   # was 20', 'max_size = 6   # was 20')}\n[logging]\nlevel = "debug"\n`;
    expect(fs.readFileSync(s.configPath, 'utf8')).toBe(expected);
    // And a second save that removes a value keeps everything else too.
    await s.runtime.saveSettings({ logging: { level: null } });
    expect(fs.readFileSync(s.configPath, 'utf8')).toContain('# small, the laptop is slow\nmax_size = 6   # was 20');
  });

  it('keys and sections it does not manage are kept', async () => {
    const s = await start({ toml: `${BASE_TOML}future_knob = "keep me"\n\n[someone_elses]\nanswer = 42\n` });
    expect((await s.runtime.saveSettings({ pool_settings: { max_size: 12 } })).ok).toBe(true);
    expect(fs.readFileSync(s.configPath, 'utf8')).toBe(`${BASE_TOML}future_knob = "keep me"\nmax_size = 12\n\n[someone_elses]\nanswer = 42\n`);
  });

  it('with no config file, the first save creates one (0600, it may hold a key)', async () => {
    const s = await start({});
    expect(fs.existsSync(s.configPath)).toBe(false);
    expect((await s.runtime.saveSettings({ pool_settings: { max_size: 4 } })).ok).toBe(true);
    expect(fs.readFileSync(s.configPath, 'utf8')).toMatch(/^# ccproxy settings.*\n\[pool_settings\]\nmax_size = 4\n$/);
    expect(fs.statSync(s.configPath).mode & 0o777).toBe(0o600);
  });
});
