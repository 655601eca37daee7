// The ledger, statistics and hotline pages in real Chromium, with data: axe finds nothing serious
// or critical on a phone and on a desktop, the charts have accessible names, and no script runs.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { databaseFile } from '../../src/db/connection.js';
import { seedDemoHotlines } from '../../src/demo/hotlines.js';
import { seedDemoReports } from '../../src/demo/reports.js';
import { seedDemoLedger } from '../../src/demo/ledger.js';
import { closePage, describeBrowser, formatViolations, launchBrowser, newDesktopPage, newPhonePage, runAxe, screenshot, type Browser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { tempDir } from '../helpers/app.js';

// The prefecture views use every template the province views use; the county view adds suppression.
const PAGES = ['/ledger?region=220100', '/stats?region=220100', '/stats?region=220102'];

describeBrowser('ledger, statistics and hotlines in a browser', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Data first, in-process, on the data directory the server then opens.
    const dataDir = tempDir('sunshine-disclosure-');
    fs.copyFileSync(process.env.SUNSHINE_TEMPLATE_DB!, databaseFile(dataDir));
    const app = await buildApp(testConfig({ dataDir, logLevel: 'silent' }));
    const now = Date.now();
    await seedDemoHotlines(app.db, now);
    // Reports of about three months ago: before the statistics' cutoff, in a quarter of their own.
    await seedDemoReports(app.deps, 24, now - 100 * 86_400_000);
    await seedDemoLedger(app.deps, now);
    await app.close();
    [server, browser] = await Promise.all([startServer({ dataDir, env: { SUNSHINE_DEMO_DATA: 'off' } }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const device of [{ name: 'phone', open: newPhonePage }, { name: 'desktop', open: newDesktopPage }]) {
    it(`passes axe on ${device.name}`, async () => {
      const page = await device.open(browser!);
      try {
        for (const p of PAGES) {
          await page.goto(`${server!.url}${p}`);
          await expect.poll(() => page.getByRole('main').count()).toBe(1);
          const violations = await runAxe(page);
          await screenshot(page, `disclosure-${device.name}-${p.replace(/[/?=]+/g, '-')}`);
          expect(violations, `${p}\n${formatViolations(violations)}`).toEqual([]);
          expect(await page.locator('main script').count()).toBe(0);
          for (const figure of await page.locator('figure.bar-chart').all()) {
            const name = await figure.evaluate((el) => document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent?.trim() ?? '');
            expect(name.length, `${p}: chart without a name`).toBeGreaterThan(5);
          }
          // Issue 20 item 6: chart labels and values are at least the page's small text size, also on a phone.
          const sizes = await page.locator('.bar-chart .bar-label, .bar-chart .bar-value').evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
          if (p.startsWith('/stats')) expect(sizes.length, p).toBeGreaterThan(0);
          for (const size of sizes) expect(size, `${p}: chart text`).toBeGreaterThanOrEqual(14);
          // A table wider than the phone scrolls, and a keyboard can reach it; its headers are not one character per line.
          for (const wrap of await page.locator('.table-wrap').all()) {
            const { scrolls, focusable } = await wrap.evaluate((el) => ({ scrolls: el.scrollWidth > el.clientWidth, focusable: el.tabIndex >= 0 }));
            if (scrolls) expect(focusable, `${p}: a scrolling table the keyboard cannot reach`).toBe(true);
          }
          const tallest = await page.locator('.table-wrap thead th').evaluateAll((els) => Math.max(0, ...els.map((el) => el.getBoundingClientRect().height)));
          expect(tallest, `${p}: a table header broken onto several lines`).toBeLessThan(60);
        }
      } finally {
        await closePage(page);
      }
    }, 120_000);
  }
});
