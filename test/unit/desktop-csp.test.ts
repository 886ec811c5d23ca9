// The Electron window loads dist/renderer/index.html from file://, where a CSP set through
// session.webRequest.onHeadersReceived has historically not applied. So the page carries its own CSP (a meta tag);
// this test loads the built page from file:// in Chromium and shows that the meta tag is what blocks an inline
// script there (a control copy without it runs the same script).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium } from '../e2e/helpers.js';

const META = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/;

describe.skipIf(!hasChromium)('the window page\'s own CSP, from file://', () => {
  let browser: Browser;
  let dir: string;
  let builtHtml: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-csp-'));
    await buildRenderer({ outDir: path.join(dir, 'built') });
    builtHtml = fs.readFileSync(path.join(dir, 'built', 'index.html'), 'utf8');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The built page plus an inline script and a classic script file of its own folder, written beside it. */
  function variant(name: string, html: string): string {
    const withProbes = html.replace('</head>', '<script>window.__inlineRan = true;</script>\n<script src="./probe.js"></script>\n</head>');
    expect(withProbes).not.toBe(html);
    const file = path.join(dir, 'built', `${name}.html`);
    fs.writeFileSync(file, withProbes);
    fs.writeFileSync(path.join(dir, 'built', 'probe.js'), 'window.__fileScriptRan = true;\n');
    return pathToFileURL(file).href;
  }

  async function open(url: string) {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await page.goto(url, { waitUntil: 'load' });
    const ran = await page.evaluate(() => ({
      inline: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
      file: (window as unknown as { __fileScriptRan?: boolean }).__fileScriptRan === true,
    }));
    await page.close();
    return { ran, violations };
  }

  it('has a strict policy in the built page: scripts only from its own files, no inline, no eval', () => {
    const policy = builtHtml.match(META)?.[1];
    expect(policy, 'the built index.html has no CSP meta tag').toBeDefined();
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain('unsafe');
  });

  it('blocks an inline script in the page loaded from file://, and lets the page\'s own files run', async () => {
    const { ran, violations } = await open(variant('with-meta', builtHtml));
    expect(ran.inline).toBe(false);
    expect(ran.file).toBe(true);
    expect(violations.join('\n')).toMatch(/inline script/i);
  });

  it('control: the same page without the meta tag runs the inline script (so the meta tag is what blocks it)', async () => {
    const { ran, violations } = await open(variant('without-meta', builtHtml.replace(META, '')));
    expect(ran.inline).toBe(true);
    expect(violations).toEqual([]);
  });
});
