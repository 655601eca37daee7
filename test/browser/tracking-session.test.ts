// The tracking page in real Chromium on a phone (issue 20 items 3, 4 and 8): a wrong code stays in
// the box; an action says at the top what happened; a reply typed before the idle time-out (15
// minutes) is not lost — the code page says why, and after the code the text is back, unsent.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseFile } from '../../src/db/connection.js';
import { closePage, describeBrowser, launchBrowser, newDesktopPage, newPhonePage, type Browser, type Page } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { tempDir } from '../helpers/app.js';
import { fillReportForm } from './report-form.js';

describeBrowser('the tracking session on a phone', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const dataDir = tempDir('sunshine-tracking-');
    fs.copyFileSync(process.env.SUNSHINE_TEMPLATE_DB!, databaseFile(dataDir));
    [server, browser] = await Promise.all([startServer({ dataDir, env: { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_TRACK_IDLE_MINUTES: '15' } }), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Files a report through the form, as a villager does, and returns its query code. */
  async function fileAndGetCode(page: Page, description: string): Promise<string> {
    await page.goto(`${server!.url}/report`);
    await fillReportForm(page, description);
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    return (await page.locator('#query-code').textContent())!.trim();
  }

  /**
   * The reporter's tracking sessions as if their last request was `minutes` ago: the server's own idle
   * check then ends them, without the test waiting that long (the sessions are JSON rows in its file).
   */
  function ageTrackingSessions(minutes: number) {
    const db = new Database(databaseFile(server!.dataDir));
    try {
      for (const row of db.prepare(`select sid, data from sessions where data like '%"track"%'`).all() as { sid: string; data: string }[]) {
        const data = JSON.parse(row.data) as { track: { lastSeen: number } };
        data.track.lastSeen -= minutes * 60_000;
        db.prepare('update sessions set data = ? where sid = ?').run(JSON.stringify(data), row.sid);
      }
    } finally {
      db.close();
    }
  }

  /** One digit changed: a code that does not exist. */
  const mistyped = (code: string) => code.slice(0, -1) + (code.endsWith('0') ? '1' : '0');

  async function enterCode(page: Page, code: string) {
    await page.goto(`${server!.url}/track`);
    await page.getByLabel('查询码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
  }

  /** Items 8 and 3: one digit wrong keeps the 16 digits in the box; a message sent says so at the top. */
  async function wrongCodeThenMessage(page: Page, code: string, message: string): Promise<void> {
    const wrong = mistyped(code);
    await enterCode(page, wrong);
    await expect.poll(() => page.locator('#code-error').count()).toBe(1);
    expect(await page.getByLabel('查询码').inputValue()).toBe(wrong);
    await enterCode(page, code);
    await page.waitForURL(/\/track\/report/);
    await page.getByLabel('写给办理人员的话').fill(message);
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/done=message/);
    expect(await page.locator('#done').textContent()).toContain('您的留言已经发给办理人员');
  }

  it('keeps a wrong code, tells what an action did, and keeps a reply typed before the idle time-out', async () => {
    const page = await newPhonePage(browser!);
    try {
      const code = await fileAndGetCode(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');

      await wrongCodeThenMessage(page, code, '评议会是9月15号开的，很多人都在场。');

      // Item 4: typed, then more than the idle time before 发送.
      const reply = '还有，村主任的弟弟家去年刚盖了新房子。';
      await page.getByLabel('写给办理人员的话').fill(reply);
      ageTrackingSessions(16);
      await page.getByRole('button', { name: '发送' }).click();
      await page.waitForURL(/\/track$/);
      expect(await page.locator('#draft-kept').textContent()).toContain('您刚才写的内容已经保存好了');
      await enterCode(page, code);
      await page.waitForURL(/\/track\/report/);
      expect(await page.locator('#restored').textContent()).toContain('您退出前写的内容已经放回去了');
      expect(await page.getByLabel('写给办理人员的话').inputValue()).toBe(reply);
    } finally {
      await closePage(page);
    }
  }, 60_000);

  // Items 3 and 8 on a phone and a desktop, in normal and care mode (the idle time-out, above, on a phone).
  for (const [device, open] of [['phone', newPhonePage], ['desktop', newDesktopPage]] as const) {
    for (const care of [false, true]) {
      it(`keeps a wrong code and tells what a message did (${device}, ${care ? 'care' : 'normal'} mode)`, async () => {
        const page = await open(browser!);
        try {
          if (care) await page.goto(`${server!.url}/care/on?next=/`);
          const code = await fileAndGetCode(page, '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。');
          await wrongCodeThenMessage(page, code, '会计收钱的时候村里好几个人都在场。');
        } finally {
          await closePage(page);
        }
      }, 60_000);
    }
  }
});
