// The dashboard in a real browser: headless Chromium against /ui of a headless runtime (HTTP + SSE bridge),
// with a fake Anthropic upstream. Skips only when the system Chromium is absent; CI installs it.
import fs from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { CHROMIUM_PATH, hasChromium, launchChromium, poolStats, startDashboardEnv, until, type DashboardEnv } from './helpers.js';

if (!hasChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM_PATH} not found. Install it with: apt-get install -y chromium (CI does).`);
}

const field = (path: string) => `[data-path="${path}"]`;
const input = (path: string) => `${field(path)} input`;
const errorOf = (path: string) => `[data-error-for="${path}"]`;

describe.skipIf(!hasChromium)('dashboard (headless Chromium)', () => {
  let browser: Browser;
  // Each test has its own proxy, config file and page: a saved value, a switched pool or a stopped proxy is
  // never what another test starts from, in any order.
  let env: DashboardEnv;
  let page: Page;
  let problems: string[];
  /** Set by a test that expects Chromium to report errors (a stopped proxy refuses its reconnections). */
  let expectProblems = false;

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    expectProblems = false;
    problems = [];
    env = await startDashboardEnv({ env: { POOL_SETTINGS__HEALTH_CHECK_INTERVAL: '30' } });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    // Any CSP violation or script error is a failure: the page must work under its own strict policy.
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${env.url}/ui`);
    await page.waitForSelector('#status-pill:has-text("Running")');
  });

  afterEach(async () => {
    await page?.close();
    await env?.close();
    if (!expectProblems) expect(problems).toEqual([]);
  });

  it('serves the page under a strict CSP and shows the running state', async () => {
    const res = await fetch(`${env.url}/ui/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await expect.poll(() => page.textContent('#status-pill')).toContain('Running · pooling on');
    expect(await page.textContent('#endpoint-url')).toBe(env.url);
    expect(await page.getAttribute('#pooling-switch', 'aria-checked')).toBe('true');
  });

  it('saves a changed max_size to the file and applies it live', async () => {
    await page.click('#tab-settings');
    await page.waitForSelector(input('pool_settings.max_size'));
    expect(await page.textContent('#settings-file')).toContain(env.cfgPath);
    // The environment-provided value is marked as such.
    expect(await page.textContent(field('pool_settings.health_check_interval'))).toContain(
      'Set by environment variable POOL_SETTINGS__HEALTH_CHECK_INTERVAL (saving the file will not change it)',
    );
    expect(await page.isDisabled('#settings-save')).toBe(true); // nothing changed yet

    await page.fill(input('pool_settings.max_size'), '7');
    await expect.poll(() => page.isEnabled('#settings-save')).toBe(true);
    await page.click('#settings-save');
    await expect.poll(() => page.textContent('#settings-message')).toContain(`Saved to ${env.cfgPath}`);

    expect(fs.readFileSync(env.cfgPath, 'utf8')).toMatch(/max_size = 7\b/);
    expect((await poolStats(env.url)).settings.max_size).toBe(7);
    // Only the changed key was written: the env value did not land in the file.
    expect(fs.readFileSync(env.cfgPath, 'utf8')).not.toContain('health_check_interval');
  });

  it('shows inline errors for invalid values, keeps Save disabled and the file untouched', async () => {
    await page.click('#tab-settings');
    await page.waitForSelector(input('pool_settings.max_size'));
    const before = fs.readFileSync(env.cfgPath, 'utf8');

    // Typed again if a late first load of the form (a busy machine) put the saved value back over it.
    await expect
      .poll(async () => {
        if ((await page.inputValue(input('pool_settings.max_size'))) !== '500') await page.fill(input('pool_settings.max_size'), '500');
        return page.textContent(errorOf('pool_settings.max_size'));
      })
      .toContain('from 1 to 100');
    expect(await page.isDisabled('#settings-save')).toBe(true);

    await page.fill(input('pool_settings.max_size'), '7');
    await page.fill(input('pool_settings.min_size'), '9');
    await expect.poll(() => page.textContent(errorOf('pool_settings.min_size'))).toContain('greater than pool_settings.max_size');
    expect(await page.isHidden(errorOf('pool_settings.max_size'))).toBe(true);
    expect(await page.isDisabled('#settings-save')).toBe(true);
    // Enter in a field does not save an invalid form either.
    await page.press(input('pool_settings.min_size'), 'Enter');

    await page.click('#settings-revert');
    await expect.poll(() => page.inputValue(input('pool_settings.min_size'))).toBe('1');
    expect(await page.isHidden(errorOf('pool_settings.min_size'))).toBe(true);
    expect(fs.readFileSync(env.cfgPath, 'utf8')).toBe(before);
  });

  it('edits the model mapping table', async () => {
    await page.click('#tab-settings');
    await page.waitForSelector(input('pool_settings.max_size'));
    await page.click(`${field('model_mapping')} button:has-text("Add mapping")`);
    await page.fill(`${field('model_mapping')} .map-name`, 'gpt-4o');
    await page.fill(`${field('model_mapping')} .map-model`, 'gpt-5');
    await expect.poll(() => page.textContent(errorOf('model_mapping'))).toContain('claude-');
    expect(await page.isDisabled('#settings-save')).toBe(true);

    await page.fill(`${field('model_mapping')} .map-model`, 'claude-sonnet-4-5');
    await expect.poll(() => page.isEnabled('#settings-save')).toBe(true);
    await page.click('#settings-save');
    await expect.poll(() => page.textContent('#settings-message')).toContain('Saved to');
    expect(fs.readFileSync(env.cfgPath, 'utf8')).toMatch(/\[model_mapping\]\n"?gpt-4o"? = "claude-sonnet-4-5"/);
  });

  it('switches pooling off and on from the header', async () => {
    await page.click('#tab-settings');
    await page.waitForSelector(input('pool_settings.max_size'));
    await page.click('#pooling-switch');
    await until(async () => (await poolStats(env.url)).pool_enabled === false, 5_000, 'pool_enabled false');
    await expect.poll(() => page.textContent('#status-pill')).toContain('pooling off');
    // The settings form follows a change made elsewhere.
    await expect.poll(() => page.getAttribute(`${field('pool_settings.enabled')} [role="switch"]`, 'aria-checked')).toBe('false');

    await page.click('#pooling-switch');
    await until(async () => (await poolStats(env.url)).pool_enabled === true, 5_000, 'pool_enabled true');
    await expect.poll(() => page.textContent('#status-pill')).toContain('pooling on');
  });

  it('shows reuse in the logs and moving numbers in the stats after traffic', async () => {
    await page.click('#tab-stats');
    const reusedNow = async () => Number((await page.textContent('#stat-connections_reused'))!.replace(/\D/g, '') || '0');
    await expect.poll(() => page.textContent('#stat-connections_created')).toMatch(/\d/);
    const before = await reusedNow();

    const client = new Anthropic({ baseURL: env.url, apiKey: 'test-key', maxRetries: 0 });
    for (let i = 0; i < 2; i++) {
      await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: `hello ${i}` }] });
    }
    await expect.poll(reusedNow, { timeout: 5_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.locator('#connections-body tr').count()).toBeGreaterThan(0);

    await page.click('#tab-logs');
    const reuse = page.locator('.log-line.is-reuse', { hasText: 'Reusing existing connection' });
    await expect.poll(() => reuse.count()).toBeGreaterThan(0);

    // Filters: errors only hides the info lines; search narrows to matching text.
    await page.selectOption('#log-level', 'error');
    await expect.poll(() => reuse.count()).toBe(0);
    await page.selectOption('#log-level', 'debug');
    await page.fill('#log-search', 'Reusing existing');
    await expect.poll(async () => (await page.locator('.log-line').count()) === (await reuse.count())).toBe(true);
    await page.fill('#log-search', '');
  });

  it('lists the names in the file that ccproxy does not read, with the nearest valid one', async () => {
    const typo = await startDashboardEnv({ extraToml: '[pool_setting]\nmax_size = 9\n' });
    const typoPage = await browser.newPage();
    try {
      await typoPage.goto(`${typo.url}/ui/#settings`);
      await expect.poll(() => typoPage.textContent('.settings-unknown')).toContain('`[pool_setting]` is not a section ccproxy reads; did you mean `[pool_settings]`?');
    } finally {
      await typoPage.close();
      await typo.close();
    }
  });

  it('works with a client token given as ?token= and says how when it is missing', async () => {
    const secured = await startDashboardEnv({ extraToml: '[security]\nauth_token = "e2e-token-42"\n' });
    const tokenPage = await browser.newPage();
    try {
      await tokenPage.goto(`${secured.url}/ui/`);
      await expect.poll(() => tokenPage.textContent('#status-error')).toContain('/ui/?token=YOUR_TOKEN');

      await tokenPage.goto(`${secured.url}/ui/?token=e2e-token-42#logs`);
      await expect.poll(() => tokenPage.textContent('#status-pill')).toContain('Running');
      expect(tokenPage.url()).not.toContain('e2e-token-42'); // removed from the address bar
      // Events arrive over the token-checked stream.
      secured.runtime.logBus.logger.info('[TEST] token stream works');
      await expect.poll(() => tokenPage.locator('.log-line', { hasText: 'token stream works' }).count()).toBe(1);
      // A reload keeps working from sessionStorage.
      await tokenPage.reload();
      await expect.poll(() => tokenPage.textContent('#status-pill')).toContain('Running');
    } finally {
      await tokenPage.close();
      await secured.close();
    }
  });

  it('uses window.ccproxy (the Electron preload) when it exists', async () => {
    const context = await browser.newContext();
    // A stand-in preload with the exact shape the real one exposes: one async function per operation and
    // on(event, listener) → unsubscribe. It forwards to the admin API, and records that it was used.
    await context.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      const calls: string[] = [];
      w.preloadCalls = calls;
      const op = (name: string) => async (payload?: unknown) => {
        calls.push(name);
        const res = await fetch(`/admin/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload ?? null) });
        return res.json();
      };
      const source = new EventSource('/admin/api/events');
      w.ccproxy = Object.freeze({
        getStatus: op('getStatus'),
        getStats: op('getStats'),
        getLogs: op('getLogs'),
        getSettings: op('getSettings'),
        validateSettings: op('validateSettings'),
        saveSettings: op('saveSettings'),
        setPoolingEnabled: op('setPoolingEnabled'),
        getRequests: op('getRequests'),
        getUsage: op('getUsage'),
        getRequestPage: op('getRequestPage'),
        getRequestDetail: op('getRequestDetail'),
        getUsageReport: op('getUsageReport'),
        exportRequests: op('exportRequests'),
        clearHistory: op('clearHistory'),
        resetHistory: op('resetHistory'),
        on(event: string, listener: (payload: unknown) => void) {
          const handler = (e: Event) => listener(JSON.parse((e as MessageEvent<string>).data));
          source.addEventListener(event, handler);
          return () => source.removeEventListener(event, handler);
        },
      });
    });
    const desktop = await context.newPage();
    try {
      await desktop.goto(`${env.url}/ui/`);
      await expect.poll(() => desktop.textContent('#status-pill')).toContain('Running');
      expect(await desktop.evaluate(() => document.documentElement.dataset.transport)).toBe('electron');
      expect(await desktop.evaluate(() => (window as unknown as { preloadCalls: string[] }).preloadCalls)).toContain('getStatus');
    } finally {
      await context.close();
    }
  });

  it('says so plainly when the preload is out of step with the contract', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      (window as unknown as Record<string, unknown>).ccproxy = { getStatus: async () => ({}), on: () => () => {} };
    });
    const broken = await context.newPage();
    try {
      await broken.goto(`${env.url}/ui/`);
      await expect.poll(() => broken.textContent('.fatal')).toContain('does not provide getStats');
    } finally {
      await context.close();
    }
  });

  it('shows a lost connection in the header when the proxy stops', async () => {
    expectProblems = true;
    await env.runtime.stop();
    await expect.poll(() => page.textContent('#status-pill'), { timeout: 8_000 }).toContain('Error');
    expect(await page.textContent('#status-error')).toContain('Lost the connection to ccproxy');
  });
});
