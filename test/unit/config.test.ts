// Configuration: discovery, precedence (CLI › env › file › defaults), env names, messages for bad values, atomic save.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../main/config/load.js';
import { FIELDS } from '../../main/config/meta.js';

let dir: string;
let home: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-cfg-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(home);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string) => (fs.writeFileSync(file, text), file);
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('defaults and discovery', () => {
  it('uses the documented defaults when there is no file', () => {
    const l = loadConfig({ env: {}, cwd: dir, home });
    expect(l.configPath).toBeNull();
    expect(l.savePath).toBe(path.join(home, '.ccproxy.toml'));
    expect(l.config.server).toMatchObject({ host: '127.0.0.1', port: 8000 });
    expect(l.config.pool_settings).toMatchObject({ enabled: true, min_size: 2, max_size: 10, idle_timeout: 300, acquire_timeout: 5, health_check_interval: 60, warmup_on_startup: true });
    expect(l.config.upstream.base_url).toBe('https://api.anthropic.com');
  });

  it('finds --config › CCPROXY_CONFIG › ./.ccproxy.toml › ~/.ccproxy.toml', () => {
    const inHome = write(path.join(home, '.ccproxy.toml'), '[server]\nport = 1001\n');
    expect(loadConfig({ env: {}, cwd: dir, home }).configPath).toBe(inHome);
    const inCwd = write(path.join(dir, '.ccproxy.toml'), '[server]\nport = 1002\n');
    expect(loadConfig({ env: {}, cwd: dir, home }).config.server.port).toBe(1002);
    const viaEnv = write(path.join(dir, 'env.toml'), '[server]\nport = 1003\n');
    expect(loadConfig({ env: { CCPROXY_CONFIG: viaEnv }, cwd: dir, home }).configPath).toBe(viaEnv);
    const viaFlag = write(path.join(dir, 'flag.toml'), '[server]\nport = 1004\n');
    expect(loadConfig({ configPath: viaFlag, env: { CCPROXY_CONFIG: viaEnv }, cwd: dir, home }).config.server.port).toBe(1004);
    expect(inCwd).toBeTruthy();
  });

  it('a --config file that does not exist is an error naming it', () => {
    expect(errorOf(() => loadConfig({ configPath: 'missing.toml', env: {}, cwd: dir, home })).message).toContain(`Config file not found: ${path.join(dir, 'missing.toml')}`);
  });
});

describe('precedence and environment', () => {
  it('CLI › env › file › defaults, with sources reported', () => {
    const file = write(path.join(dir, 'c.toml'), '[server]\nport = 1111\nhost = "127.0.0.1"\n[pool_settings]\nmax_size = 20\nmin_size = 3\n');
    const l = loadConfig({ configPath: file, env: { SERVER__PORT: '2222', POOL_SETTINGS__MAX_SIZE: '30' }, cli: { port: 3333 }, cwd: dir, home });
    expect(l.config.server.port).toBe(3333);
    expect(l.config.pool_settings.max_size).toBe(30);
    expect(l.config.pool_settings.min_size).toBe(3);
    expect(l.config.pool_settings.idle_timeout).toBe(300);
    expect(l.sources).toMatchObject({ 'server.port': 'cli', 'pool_settings.max_size': 'env', 'pool_settings.min_size': 'file', 'pool_settings.idle_timeout': 'default' });
    expect(l.envNames['pool_settings.max_size']).toBe('POOL_SETTINGS__MAX_SIZE');
  });

  it('env names are case-insensitive; booleans, lists, PORT and HOST work', () => {
    const l = loadConfig({ env: { pool_settings__enabled: 'false', SECURITY__ALLOWED_HOSTS: 'a.lan, b.lan', PORT: '9999', HOST: '::1', UPSTREAM__BASE_URL: 'http://127.0.0.1:9' }, cwd: dir, home });
    expect(l.config.pool_settings.enabled).toBe(false);
    expect(l.config.security.allowed_hosts).toEqual(['a.lan', 'b.lan']);
    expect(l.config.server).toMatchObject({ port: 9999, host: '::1' });
    expect(l.config.upstream.base_url).toBe('http://127.0.0.1:9');
  });

  it('SERVER__PORT wins over PORT', () => {
    expect(loadConfig({ env: { PORT: '1', SERVER__PORT: '2' }, cwd: dir, home }).config.server.port).toBe(2);
  });

  it("ignores the SDK's ANTHROPIC_BASE_URL (it points tools at the proxy)", () => {
    expect(loadConfig({ env: { ANTHROPIC_BASE_URL: 'http://localhost:8000' }, cwd: dir, home }).config.upstream.base_url).toBe('https://api.anthropic.com');
  });
});

describe('invalid values', () => {
  it.each(Object.entries(FIELDS).filter(([, f]) => f.type === 'integer' || f.type === 'number'))('%s out of range names file, key, value and range', (key, field) => {
    const [section, name] = key.split('.');
    const file = write(path.join(dir, 'bad.toml'), `[${section}]\n${name} = ${field.max! + 1000}\n`);
    const err = errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home }));
    expect(err.message).toContain(file);
    expect(err.message).toContain(`${key} = ${field.max! + 1000}`);
    expect(err.message).toContain(`from ${field.min} to ${field.max}`);
  });

  it('a wrong type from the environment names the variable', () => {
    const err = errorOf(() => loadConfig({ env: { POOL_SETTINGS__MAX_SIZE: 'lots' }, cwd: dir, home }));
    expect(err.message).toBe('Invalid setting in environment variable POOL_SETTINGS__MAX_SIZE: pool_settings.max_size = "lots"; allowed: a whole number from 1 to 100.');
  });

  it('min_size above max_size is refused with both values', () => {
    const file = write(path.join(dir, 'mm.toml'), '[pool_settings]\nmin_size = 20\nmax_size = 10\n');
    expect(errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home })).message).toContain(`pool_settings.min_size = 20 (from ${file}) is greater than pool_settings.max_size = 10 (from ${file})`);
  });

  it('booleans, URLs, levels and model mapping are checked', () => {
    const file = write(path.join(dir, 'x.toml'), '[pool_settings]\nenabled = "yes"\n[upstream]\nbase_url = "ftp://x"\n[logging]\nlevel = "loud"\n[model_mapping]\n"gpt-4o" = "gpt-5"\n');
    const err = errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home }));
    expect(err.problems.map((p) => p.path).sort()).toEqual(['logging.level', 'model_mapping', 'pool_settings.enabled', 'upstream.base_url']);
    expect(err.message).toContain('allowed: true or false');
    expect(err.message).toContain('allowed: an http:// or https:// URL');
    expect(err.message).toContain('allowed: one of error, warn, info, debug');
    expect(err.message).toContain('must be a claude-* model name');
  });

  it('a file that is not valid TOML names the line', () => {
    const file = write(path.join(dir, 'broken.toml'), '[server]\nport = 8000\nhost = \n');
    const err = errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home }));
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: not valid TOML \\(line 3\\)`));
  });

  it('an unreadable ca_file is refused at load time', () => {
    const err = errorOf(() => loadConfig({ env: { UPSTREAM__CA_FILE: path.join(dir, 'nope.pem') }, cwd: dir, home }));
    expect(err.message).toContain('environment variable UPSTREAM__CA_FILE: upstream.ca_file');
    expect(err.message).toContain('a readable PEM file');
  });

  it('unknown keys in known sections are reported as warnings, not errors', () => {
    const file = write(path.join(dir, 'u.toml'), '[pool_settings]\nmax_sise = 5\n');
    expect(loadConfig({ configPath: file, env: {}, cwd: dir, home }).warnings).toEqual([
      `\`max_sise\` is not a setting of [pool_settings] that ccproxy reads; did you mean \`max_size\`? (in ${file}; left as it is)`,
    ]);
  });

  it('an unknown section is one warning naming the nearest section; its values are not read', () => {
    const file = write(path.join(dir, 'u.toml'), '[pool_setting]\nmax_size = 9\n[server]\nport = 8001\n');
    const l = loadConfig({ configPath: file, env: {}, cwd: dir, home });
    expect(l.warnings).toEqual([`\`[pool_setting]\` is not a section ccproxy reads; did you mean \`[pool_settings]\`? (in ${file}; left as it is)`]);
    expect(l.config.pool_settings.max_size).toBe(10);
  });

  it('a name nothing is close to lists what is read instead of guessing', () => {
    const file = write(path.join(dir, 'u.toml'), '[zzz]\na = 1\n');
    expect(loadConfig({ configPath: file, env: {}, cwd: dir, home }).warnings[0]).toMatch(/^`\[zzz\]` is not a section ccproxy reads; the sections it reads are `server`, `pool_settings`/);
  });

  it('max_size = 0 gives its range message alone, nothing about min_size', () => {
    const file = write(path.join(dir, 'z.toml'), '[pool_settings]\nmax_size = 0\n');
    const err = errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home }));
    expect(err.problems).toEqual([{ path: 'pool_settings.max_size', message: `Invalid setting in ${file}: pool_settings.max_size = 0; allowed: a whole number from 1 to 100.` }]);
  });

  it('min_size from the file against max_size from the environment names each layer', () => {
    const file = write(path.join(dir, 'm.toml'), '[pool_settings]\nmin_size = 30\n');
    const err = errorOf(() => loadConfig({ configPath: file, env: { POOL_SETTINGS__MAX_SIZE: '20' }, cwd: dir, home }));
    expect(err.message).toBe(`Invalid settings: pool_settings.min_size = 30 (from ${file}) is greater than pool_settings.max_size = 20 (from environment variable POOL_SETTINGS__MAX_SIZE); min_size must be at most max_size.`);
  });

  it('a default on one side is named as the default, never as "nothing"', () => {
    const err = errorOf(() => loadConfig({ env: { POOL_SETTINGS__MIN_SIZE: '11' }, cwd: dir, home }));
    expect(err.message).toBe('Invalid settings: pool_settings.min_size = 11 (from environment variable POOL_SETTINGS__MIN_SIZE) is greater than pool_settings.max_size = 10 (from defaults); min_size must be at most max_size.');
    expect(err.message).not.toContain('nothing');
  });
});

// Saving is tested through runtime.saveSettings, the code production runs: settings-save.test.ts and
// settings-apply.test.ts.

describe('a file value the environment hides', () => {
  it('loads (the environment wins) but warns that a start without the variable would fail', () => {
    const file = write(path.join(dir, 'h.toml'), '[upstream]\nbase_url = "file:///etc/passwd"\n');
    const l = loadConfig({ configPath: file, env: { UPSTREAM__BASE_URL: 'http://127.0.0.1:9' }, cwd: dir, home });
    expect(l.config.upstream.base_url).toBe('http://127.0.0.1:9');
    expect(l.warnings).toContain(
      `Invalid setting in ${file}: upstream.base_url = "file:///etc/passwd"; allowed: an http:// or https:// URL. The environment or a flag hides it now; a start without them would fail.`,
    );
  });

  it('secrets and proxy credentials are masked in error messages', () => {
    const file = write(path.join(dir, 'p.toml'), '[upstream]\nproxy_url = "socks5://carol:hunter2-long@10.0.0.1:3128"\n');
    const err = errorOf(() => loadConfig({ configPath: file, env: {}, cwd: dir, home }));
    expect(err.message).toContain('upstream.proxy_url = "socks5://********:********@10.0.0.1:3128"; allowed: an http:// or https:// URL');
    expect(err.message).not.toContain('hunter2');
  });
});
