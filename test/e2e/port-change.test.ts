// The port change follows the user (issue: the dashboard under load): after saving a new port, the browser
// dashboard on the old address links to the new one, and the link opens a live dashboard there.
import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, startDashboardEnv, type DashboardEnv } from './helpers.js';

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasChromium)('port change in the browser dashboard (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv();
    browser = await launchChromium();
    ({ page } = await openDashboard(browser, env.url, { hash: 'settings' }));
    await page.waitForSelector('#status-pill:has-text("Running")');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('links to the new address once the new listener is up, and the link opens a live dashboard', async () => {
    expect(await page.isHidden('#moved-banner')).toBe(true);
    const port = await freePort();
    // Saved from this page, as the Settings view does it.
    const saved = await page.evaluate(async (p) => {
      const res = await fetch('/admin/api/saveSettings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server: { port: p } }) });
      return ((await res.json()) as { ok: boolean }).ok;
    }, port);
    expect(saved).toBe(true);

    await page.waitForSelector('#moved-banner:not([hidden])', { timeout: 8_000 });
    const href = await page.getAttribute('#moved-link', 'href');
    expect(href).toBe(`http://127.0.0.1:${port}/ui/#settings`);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    await page.click('#moved-link');
    await page.waitForURL(`http://127.0.0.1:${port}/ui/#settings`);
    await page.waitForSelector('#status-pill:has-text("Running")');
    expect(await page.isHidden('#moved-banner')).toBe(true); // at home on the new address
  });
});
