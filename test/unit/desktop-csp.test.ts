// The window's page is served by the app:// scheme's handler (main/desktop/app-scheme.ts), never from file://.
// Chromium cannot be given a custom scheme without Electron, so each request here is passed from a loopback HTTP
// server to that same handler and its Response (status, headers, bytes) is sent back unchanged: what Chromium sees
// is what the window would get. The page's own files run; an inline script, a script from file: and reading a
// local file with fetch() are all refused by the policy the handler sends, even with the page's meta tag removed.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, createAppSchemeHandler } from '../../main/desktop/app-scheme.js';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium } from '../e2e/helpers.js';

const META = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/;

describe('the app:// scheme handler', () => {
  let dir: string;
  let handler: (request: Request) => Promise<Response>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-scheme-'));
    fs.mkdirSync(path.join(dir, 'renderer'));
    fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
    fs.writeFileSync(path.join(dir, 'renderer', 'app.js'), 'export {};');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    try {
      fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'renderer', 'link.txt'));
    } catch {
      // Windows without the symlink privilege: the other escapes are still tried.
    }
    handler = createAppSchemeHandler(path.join(dir, 'renderer'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('serves the renderer files with their type and the strict policy', async () => {
    const page = await get(`${APP_ORIGIN}/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>x</title>');
    expect((await get(`${APP_ORIGIN}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await get(`${APP_ORIGIN}/`)).text()).toContain('<title>x</title>');
  });

  it('has a policy of its own origin only: default-src self, no file:, no unsafe-*, no connections', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/file:|unsafe|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
  });

  it('serves nothing outside the renderer folder: no ../, no encoded ../, no symlink out, no other host', async () => {
    for (const url of [`${APP_ORIGIN}/../secret.txt`, `${APP_ORIGIN}/%2e%2e/secret.txt`, `${APP_ORIGIN}/..%2fsecret.txt`, `${APP_ORIGIN}/link.txt`, 'app://other/index.html', `${APP_ORIGIN}/missing.js`, `${APP_ORIGIN}/a%00b`]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('outside');
    }
    expect((await get(`${APP_ORIGIN}/index.html`, 'POST')).status).toBe(405);
  });
});

describe.skipIf(!hasChromium)('the window page through the scheme handler, in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let server: http.Server;
  let base: string;
  let builtHtml: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-csp-'));
    await buildRenderer({ outDir: path.join(dir, 'built') });
    builtHtml = fs.readFileSync(path.join(dir, 'built', 'index.html'), 'utf8');
    fs.writeFileSync(path.join(dir, 'outside.js'), 'window.__outsideRan = true;\n');
    const handler = createAppSchemeHandler(path.join(dir, 'built'));
    server = http.createServer(async (req, res) => {
      const response = await handler(new Request(`${APP_ORIGIN}${req.url}`, { method: req.method }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The built page without its meta tag (only the handler's policy applies), with probes added. */
  function variant(name: string): string {
    const probes = [
      '<script>window.__inlineRan = true;</script>',
      '<script src="./probe.js"></script>',
      `<script src="file://${path.join(dir, 'outside.js').replace(/\\/g, '/')}"></script>`,
    ].join('\n');
    const html = builtHtml.replace(META, '').replace('</head>', `${probes}\n</head>`);
    expect(html).not.toMatch(META);
    fs.writeFileSync(path.join(dir, 'built', `${name}.html`), html);
    fs.writeFileSync(path.join(dir, 'built', 'probe.js'), 'window.__fileScriptRan = true;\n');
    return `${base}/${name}.html`;
  }

  it("runs the page's own files, and refuses an inline script, a file: script and reading a local file", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await page.goto(variant('probe-page'), { waitUntil: 'load' });
    await page.waitForSelector('.tabbar', { timeout: 30_000 }); // the page's own module script ran and drew the tabs
    const ran = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      let localFile = 'read';
      try {
        await fetch('file:///etc/hostname');
      } catch {
        localFile = 'refused';
      }
      return { inline: w.__inlineRan === true, own: w.__fileScriptRan === true, outside: w.__outsideRan === true, localFile };
    });
    await page.close();
    expect(ran).toEqual({ inline: false, own: true, outside: false, localFile: 'refused' });
    expect(violations.join('\n')).toMatch(/inline script/i);
  });
});
