// A misspelt setting in the environment is said, like the same typo in the file: one WARN line per variable at
// start and again at each reload, with the nearest valid name; other programs' variables are never mentioned.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unknownEnvSettings } from '../../main/config/unknown.js';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';

const TYPOS = { POOL_SETTING__MAX_SIZE: '5', UPSTREAM__BASEURL: 'http://127.0.0.1:9', Pool_Settings__MaxSize: '3' };
const UNRELATED = {
  PATH: '/usr/bin',
  HOME: '/home/someone',
  NODE_OPTIONS: '--max-old-space-size=4096',
  ANTHROPIC_BASE_URL: 'http://127.0.0.1:8000',
  ANTHROPIC_CUSTOM_HEADERS: 'x-ccproxy-token: secret-value-1',
  OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
  OPENAI__API_KEY: 'sk-not-ours',
  npm_config_cache: '/tmp/npm',
  SOMETHING__ELSE_ENTIRELY: '1',
  POOL_SETTINGS__MAX_SIZE: '4', // a real one
};

describe('misspelt settings in the environment', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('names each typo with the nearest valid variable, and nothing else', () => {
    const found = unknownEnvSettings({ ...TYPOS, ...UNRELATED });
    expect(found.map((f) => [f.name, f.nearest])).toEqual([
      ['POOL_SETTING__MAX_SIZE', 'POOL_SETTINGS__MAX_SIZE'],
      ['Pool_Settings__MaxSize', 'POOL_SETTINGS__MAX_SIZE'],
      ['UPSTREAM__BASEURL', 'UPSTREAM__BASE_URL'],
    ]);
    expect(unknownEnvSettings(UNRELATED)).toEqual([]);
  });

  it('warns once per variable at start and again on reload, never about unrelated variables nor any value', async () => {
    h = await startHarness({ env: { ...TYPOS, ...UNRELATED } });
    const warned = () => h!.runtime.logs().filter((e) => e.level === 'warn' && e.message.includes('Environment variable'));
    const atStart = warned().map((e) => e.message);
    expect(atStart).toEqual([
      '[STARTUP] Environment variable POOL_SETTING__MAX_SIZE is not a setting ccproxy reads (ignored); did you mean POOL_SETTINGS__MAX_SIZE?',
      '[STARTUP] Environment variable Pool_Settings__MaxSize is not a setting ccproxy reads (ignored); did you mean POOL_SETTINGS__MAX_SIZE?',
      '[STARTUP] Environment variable UPSTREAM__BASEURL is not a setting ccproxy reads (ignored); did you mean UPSTREAM__BASE_URL?',
    ]);
    const warnings = h.runtime.logs().filter((e) => e.level === 'warn').map((e) => e.message).join('\n');
    for (const name of Object.keys(UNRELATED)) if (name !== 'POOL_SETTINGS__MAX_SIZE') expect(warnings).not.toContain(name);
    expect(h.runtime.logs().map((e) => e.message).join('\n')).not.toContain('secret-value-1');

    // A reload (the file edited on disk) says them again.
    fs.appendFileSync(h.configPath, '\n# edited\n[logging]\nlevel = "debug"\n');
    await expect.poll(() => warned().length, { timeout: 20_000 }).toBe(6);
    expect(warned().slice(3).map((e) => e.message)).toEqual(atStart.map((m) => m.replace('[STARTUP]', '[SETTINGS]')));
  }, 30_000);
});
