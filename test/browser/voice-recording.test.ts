// 说一说 in real Chromium with a fake microphone (issue 20 item 11): a recording made in the page can
// be listened to and deleted before the report is sent; a deleted one is not in the form.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseFile } from '../../src/db/connection.js';
import { closePage, describeBrowser, launchBrowser, newPhonePage, type Browser, type Page } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { tempDir } from '../helpers/app.js';
import { fillReportForm } from './report-form.js';

/** 说一说: records about 0.7 s from the fake microphone and waits for the recording's row. */
async function recordInPage(page: Page): Promise<void> {
  await page.locator('.js-record-start').click();
  await expect.poll(() => page.locator('.js-record-stop').isVisible()).toBe(true);
  await page.waitForTimeout(700);
  await page.locator('.js-record-stop').click();
  await expect.poll(() => page.locator('.js-record-list li').count()).toBe(1);
}

describeBrowser('a voice recording on the report form', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const dataDir = tempDir('sunshine-voice-');
    fs.copyFileSync(process.env.SUNSHINE_TEMPLATE_DB!, databaseFile(dataDir));
    [server, browser] = await Promise.all([
      startServer({ dataDir, env: { SUNSHINE_DEMO_DATA: 'off' } }),
      launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('can be played back and deleted before sending', async () => {
    const page = await newPhonePage(browser!, { permissions: ['microphone'] });
    try {
      await page.goto(`${server!.url}/report`);
      const start = page.locator('.js-record-start');
      await expect.poll(() => start.isVisible()).toBe(true);
      await start.click();
      await expect.poll(() => page.locator('.js-record-stop').isVisible()).toBe(true);
      await page.waitForTimeout(700);
      await page.locator('.js-record-stop').click();
      const recordings = page.locator('.js-record-list li');
      await expect.poll(() => recordings.count()).toBe(1);
      expect(await recordings.locator('audio[controls]').count()).toBe(1);
      expect(await page.locator('#evidence').evaluate((el) => (el as HTMLInputElement).files!.length)).toBe(1);
      await recordings.getByRole('button', { name: '删除这段录音' }).click();
      await expect.poll(() => recordings.count()).toBe(0);
      expect(await page.locator('#evidence').evaluate((el) => (el as HTMLInputElement).files!.length)).toBe(0);
      expect(await page.locator('.js-record-status').textContent()).toContain('录音已删除');
    } finally {
      await closePage(page);
    }
  }, 60_000);

  it('is received as a recording made here, without the warning meant for phone files', async () => {
    const page = await newPhonePage(browser!, { permissions: ['microphone'] });
    try {
      await page.goto(`${server!.url}/report`);
      await fillReportForm(page, '村主任把他弟弟一家评成了低保户，录音里说得更清楚。');
      await recordInPage(page);
      await page.getByRole('button', { name: '提交举报' }).click();
      await page.waitForSelector('#query-code');
      const row = page.locator('.staged-uploads li').filter({ hasText: 'voice-' });
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/已收到（在本页录的音|已删除位置和设备信息/);
      expect(await row.textContent()).not.toContain('无法自动删除');
    } finally {
      await closePage(page);
    }
  }, 60_000);

  // A villager's recording-only report was filed empty when the recording was then refused, while
  // the page said received (session 10): with no words, the form goes whole, in one request.
  it('with no words, goes with the form in one request: received with the report, or the form back and nothing filed', async () => {
    const page = await newPhonePage(browser!, { permissions: ['microphone'] });
    try {
      await page.goto(`${server!.url}/report`);
      await fillReportForm(page, '');
      await recordInPage(page);
      const posts: { url: string; multipart: boolean }[] = [];
      page.on('request', (r) => r.method() === 'POST' && posts.push({ url: r.url(), multipart: (r.headers()['content-type'] ?? '').startsWith('multipart/') }));
      await page.getByRole('button', { name: '提交举报' }).click();
      await page.waitForSelector('#query-code');
      // One post of the whole form, no staged text and no follow-up upload.
      expect(posts.filter((p) => p.url.includes('/track/files'))).toEqual([]);
      expect(posts.filter((p) => new URL(p.url).pathname === '/report')).toHaveLength(1);
      expect(await page.locator('.staged-uploads').count()).toBe(0);
      expect(await page.locator('main').textContent()).toMatch(/voice-\d{4}-/);

      // A "recording" the server refuses (not audio inside): the form comes back, the place kept, no code.
      await page.goto(`${server!.url}/report`);
      await fillReportForm(page, '');
      await page.locator('#evidence').setInputFiles({ name: '录音.m4a', mimeType: 'audio/mp4', buffer: Buffer.alloc(4096, 7) });
      await page.getByRole('button', { name: '提交举报' }).click();
      await expect.poll(() => page.locator('.error-summary').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.locator('#query-code').count()).toBe(0);
      expect(await page.locator('#county').inputValue()).toBe('220102');
    } finally {
      await closePage(page);
    }
  }, 60_000);
});
