// The header in headless Chromium: the status pill tells an unreachable upstream apart, the pulsing dot rests
// when idle, the setup snippets are one click away, the pooling switch is locked while the environment sets it,
// and the numbers are dimmed (and stale error toasts cleared) around a lost connection to ccproxy.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { closedPort, MESSAGE, postMessage, startHarness } from '../fixtures/proxy-harness.js';
import { hasChromium, launchChromium, openDashboard, poolStats, startAgainOnSamePort, startDashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('header (headless Chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('says "upstream unreachable" in the error colour when every request fails to connect', async () => {
    const port = await closedPort();
    const h = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}`, config: { pool_settings: { min_size: 0, warmup_on_startup: false } } });
    const { page, problems } = await openDashboard(browser, h.url);
    try {
      await page.waitForSelector('#status-pill:has-text("Running · pooling on")');
      for (let i = 0; i < 4; i++) expect((await postMessage(h.url, MESSAGE)).status).toBe(502);
      await expect.poll(() => page.textContent('#status-pill')).toBe('Running · upstream unreachable');
      expect(await page.getAttribute('#status-pill', 'class')).toContain('pill-error');
      // And why, as /health says it.
      const health = (await (await fetch(`${h.url}/health`)).json()) as { upstream_error: string };
      expect(health.upstream_error).toBeTruthy();
      await expect.poll(() => page.textContent('#status-error')).toBe(`Upstream unreachable: ${health.upstream_error}`);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await h.close();
    }
  });

  it('offers the setup lines for Claude Code, the SDK and the OpenAI route, each with a copy button', async () => {
    const env = await startDashboardEnv();
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    try {
      await page.goto(`${env.url}/ui/`);
      await page.waitForSelector('#status-pill:has-text("Running")');
      expect(await page.isVisible('#snippet-claude-code')).toBe(false);
      await page.click('#setup-snippets summary');
      expect(await page.textContent('#snippet-claude-code')).toBe(`ANTHROPIC_BASE_URL=${env.url} claude`);
      expect(await page.textContent('#snippet-sdk')).toBe(`new Anthropic({ baseURL: '${env.url}' })`);
      expect(await page.textContent('#snippet-openai')).toBe(`${env.url}/v1`);
      await page.click('#copy-snippet-openai');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${env.url}/v1`);
      await page.keyboard.press('Escape');
      expect(await page.isVisible('#snippet-claude-code')).toBe(false);
    } finally {
      await context.close();
      await env.close();
    }
  });

  it('with [security] auth_token set, the lines carry the x-ccproxy-token header (a placeholder, never the token)', async () => {
    const token = 'e2e-secret-token-77';
    const env = await startDashboardEnv({ extraToml: `[security]\nauth_token = "${token}"\n` });
    const page = await browser.newPage();
    try {
      await page.goto(`${env.url}/ui/?token=${token}`);
      await expect.poll(() => page.textContent('#status-pill')).toContain('Running');
      await page.click('#setup-snippets summary');
      await expect.poll(() => page.textContent('#snippet-claude-code')).toBe(`ANTHROPIC_BASE_URL=${env.url} ANTHROPIC_CUSTOM_HEADERS='x-ccproxy-token: <token>' claude`);
      expect(await page.textContent('#snippet-sdk')).toBe(`new Anthropic({ baseURL: '${env.url}', defaultHeaders: { 'x-ccproxy-token': '<token>' } })`);
      expect(await page.textContent('#snippet-openai')).toBe(`${env.url}/v1`);
      expect(await page.isVisible('#snippet-openai-note')).toBe(true);
      expect(await page.textContent('#snippet-openai-note')).toContain('x-ccproxy-token');
      expect(await page.textContent('#snippet-token-note')).toContain('[security] auth_token');
      expect(await page.evaluate(() => document.body.innerText)).not.toContain(token);
    } finally {
      await page.close();
      await env.close();
    }
  });

  it('without a token, no token note is shown', async () => {
    const env = await startDashboardEnv();
    const { page } = await openDashboard(browser, env.url);
    try {
      await page.waitForSelector('#status-pill:has-text("Running")');
      await page.click('#setup-snippets summary');
      await expect.poll(() => page.textContent('#snippet-claude-code')).toBe(`ANTHROPIC_BASE_URL=${env.url} claude`);
      expect(await page.isVisible('#snippet-token-note')).toBe(false);
      expect(await page.isVisible('#snippet-openai-note')).toBe(false);
    } finally {
      await page.close();
      await env.close();
    }
  });

  it('locks the Pooling switch, with the reason, while POOL_SETTINGS__ENABLED sets it', async () => {
    const env = await startDashboardEnv({ env: { POOL_SETTINGS__ENABLED: 'true' } });
    const { page } = await openDashboard(browser, env.url);
    try {
      await page.waitForSelector('#status-pill:has-text("Running · pooling on")');
      await expect.poll(() => page.isDisabled('#pooling-switch')).toBe(true);
      expect(await page.textContent('#pooling-lock')).toBe('Set by POOL_SETTINGS__ENABLED');
      const before = fs.readFileSync(env.cfgPath, 'utf8');
      await page.click('#pooling-switch', { force: true }); // a click on it anyway changes nothing
      await page.waitForTimeout(300);
      expect(await page.getAttribute('#pooling-switch', 'aria-checked')).toBe('true');
      expect((await poolStats(env.url)).pool_enabled).toBe(true);
      expect(fs.readFileSync(env.cfgPath, 'utf8')).toBe(before); // no `enabled = false` written
    } finally {
      await page.close();
      await env.close();
    }
  });

  it('pulses the status dot only while requests are in flight, and never under reduced motion', async () => {
    const env = await startDashboardEnv();
    const moving = await openDashboard(browser, env.url);
    const still = await openDashboard(browser, env.url, { reducedMotion: 'reduce' });
    const animation = (p: typeof moving.page) => p.evaluate(() => getComputedStyle(document.querySelector('.pill-dot')!).animationName);
    try {
      for (const p of [moving.page, still.page]) await p.waitForSelector('#status-pill:has-text("Running · pooling on")');
      expect(await animation(moving.page)).toBe('none'); // idle
      const hold = env.upstream.hold();
      env.upstream.enqueue({ kind: 'held' });
      const pending = postMessage(env.url, { ...MESSAGE, stream: true });
      await hold.reached;
      await expect.poll(() => animation(moving.page), { timeout: 4_000 }).toBe('pulse');
      expect(await animation(still.page)).toBe('none');
      hold.release();
      await (await pending).text();
      await expect.poll(() => animation(moving.page), { timeout: 4_000 }).toBe('none');
    } finally {
      await moving.page.close();
      await still.page.close();
      await env.close();
    }
  });

  it('says "not live" while ccproxy is out of reach (numbers still readable) and clears the stale error toasts once it is back', async () => {
    const env = await startDashboardEnv();
    const { page } = await openDashboard(browser, env.url);
    let again: Awaited<ReturnType<typeof startAgainOnSamePort>> | undefined;
    try {
      await page.waitForSelector('#status-pill:has-text("Running · pooling on")');
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.connection ?? 'live')).toBe('live');
      const opacity = () => page.evaluate(() => getComputedStyle(document.querySelector('#stat-requests_total')!).opacity);
      expect(await opacity()).toBe('1');

      await env.runtime.stop();
      await expect.poll(() => page.textContent('#status-error'), { timeout: 8_000 }).toContain('Lost the connection');
      expect(await opacity()).toBe('1'); // a banner and a frame say it, not faded text
      expect(await page.isVisible('#not-live')).toBe(true);
      expect(await page.isVisible('#stats-stale')).toBe(true);
      await page.click('#pooling-switch'); // fails: nothing answers
      const toast = page.locator('.toast-error', { hasText: 'Could not switch pooling' });
      await expect.poll(() => toast.count()).toBe(1);
      expect(await toast.textContent()).toContain('ccproxy is not reachable');

      again = await startAgainOnSamePort(env);
      await expect.poll(() => page.textContent('#status-pill'), { timeout: 8_000 }).toContain('Running');
      await expect.poll(() => toast.count()).toBe(0);
      await expect.poll(() => page.isVisible('#not-live')).toBe(false);
      expect(await page.isVisible('#stats-stale')).toBe(false);
    } finally {
      await page.close();
      await again?.close();
      await env.close();
    }
  });
});
