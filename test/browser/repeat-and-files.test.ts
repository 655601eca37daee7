// In Chromium on a 375 px phone, with and without JavaScript: a report form sent again after its
// answer was lost, from an address whose filing allowance is spent, gets its receipt and query code
// back (the nonce rides in the form's action); a photo picked twice is stored once and the page says
// so; a clerk who sends the logging form again with a changed text is told it was not saved.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, newPhonePage, type Page } from '../helpers/browser.js';
import { pdfFile } from '../evidence/media/builders.js';
import { useDemoSite } from './demo-accounts.js';
import { fillReportForm, fillReportFormByField } from './report-form.js';

/** The place and category prefilled by the form's own link parameters: no script needed for the cascade. */
const PREFILLED = '/report?category=favouritism&prefecture=220100&county=220102&township=220102001&village=220102001001';

describeBrowser('sent again, picked twice, logged twice', () => {
  vi.setConfig({ testTimeout: 120_000 });
  // One filing per address and window; each test comes from its own address (X-Forwarded-For, trusted from 127.0.0.1).
  const site = useDemoSite({ SUNSHINE_FILINGS_PER_ADDRESS: '1', TRUST_PROXY: '127.0.0.1' });
  let address = 0;
  const phone = (javaScriptEnabled = true) => newPhonePage(site.browser, { javaScriptEnabled, extraHTTPHeaders: { 'x-forwarded-for': `198.51.100.${++address}` } });
  /** A photo-like file the server keeps as sent (PDF: nothing to clean), distinct by `mark`. */
  const pdf = (name: string, mark = name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.concat([pdfFile(), Buffer.from(`%${mark}\n`)]) });

  /** The next send of the form reaches the server, which files the report, but the connection drops before its answer. */
  async function dropNextAnswer(page: Page, pattern: RegExp) {
    await page.route(pattern, async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    }, { times: 1 });
  }

  /** A brand-new report from this page's address is still refused: the repeat did not open the allowance. */
  async function newReportRefused(page: Page) {
    const res = await page.goto(site.url(PREFILLED));
    expect(res!.status()).toBe(200);
    await page.locator('#description').fill('另一件事：村干部把救灾款发给了自己家的亲戚。');
    const answer = page.waitForResponse((r) => r.url().includes('/report?_csrf=') && r.request().method() === 'POST');
    await page.locator('#field-submit').click();
    expect((await answer).status()).toBe(429);
  }

  for (const lang of ['zh-CN', 'ko'] as const) {
    it(`with JavaScript: the text's answer lost, the script posts the whole form itself over the allowance, and the code comes back (${lang})`, async () => {
      const page = await phone();
      if (lang === 'ko') await page.goto(site.url('/lang/ko?next=/'));
      await page.goto(site.url('/report'));
      await fillReportFormByField(page, lang === 'ko' ? '촌주임이 자기 동생네를 최저생활보장 대상으로 올렸습니다.' : '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
      await page.locator('#evidence').setInputFiles([pdf('名单.pdf', `list-${lang}`)]);
      await dropNextAnswer(page, /\/report\?_csrf=/);
      // The connection drops after the text was filed: the script falls back to the browser's own
      // post, same nonce, files and all.
      await page.locator('#field-submit').click();
      await page.waitForSelector('#query-code', { timeout: 30_000 });
      expect(await page.locator('#query-code').textContent()).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      expect(await page.getByText('名单.pdf').count()).toBeGreaterThan(0);
      await page.screenshot({ path: `test-artifacts/screenshots/repeat-over-allowance-js-${lang}.png`, fullPage: true });
      await newReportRefused(page);
      await closePage(page);
    });
  }

  it('with JavaScript: a file picked twice goes up once, and its row says it was already received (zh-CN)', async () => {
    const page = await phone();
    await page.goto(site.url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
    await page.locator('#evidence').setInputFiles([pdf('名单.pdf', 'same'), pdf('名单-再选一次.pdf', 'same')]);
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    const rows = page.locator('.staged-uploads li');
    await expect.poll(() => rows.filter({ hasText: '名单-再选一次.pdf' }).filter({ hasText: '和您之前传的一个文件完全一样' }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByText('全部文件已上传').count()).toBe(1);
    await page.screenshot({ path: 'test-artifacts/screenshots/files-already-js-zh.png', fullPage: true });
    await closePage(page);
  });

  for (const lang of ['zh-CN', 'ko'] as const) {
    it(`without JavaScript: the answer lost and the page reloaded (the same form sent again) over the allowance, the receipt comes back; a file sent twice from the tracking page is named as already there (${lang})`, async () => {
      const page = await phone(false);
      if (lang === 'ko') await page.goto(site.url('/lang/ko?next=/'));
      await page.goto(site.url(PREFILLED));
      await page.locator('#description').fill(lang === 'ko' ? '촌회계가 최저생활보장을 신청하려면 수속비 500원을 내라고 했습니다.' : '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。');
      await dropNextAnswer(page, /\/report\?_csrf=/);
      await page.locator('#field-submit').click().catch(() => undefined);
      // The phone shows its own "no connection" page; the villager presses reload, and the browser
      // sends the same form again (same nonce).
      await page.waitForLoadState();
      await page.reload().catch(async () => {
        await page.waitForTimeout(500);
        await page.reload();
      });
      await page.waitForSelector('#query-code');
      const code = (await page.locator('#query-code').textContent())!;
      expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      await page.screenshot({ path: `test-artifacts/screenshots/repeat-over-allowance-nojs-${lang}.png`, fullPage: true });

      await page.goto(site.url('/track'));
      await page.locator('input[name="code"]').fill(code);
      await page.locator('input[name="code"]').press('Enter');
      await page.waitForURL(/\/track\/report/);
      for (let i = 0; i < 2; i++) {
        await page.locator('#track-evidence').setInputFiles([pdf('收据.pdf', `receipt-${lang}`)]);
        await page.locator('#files button[type="submit"]').click();
        await page.waitForLoadState();
      }
      const notice = page.locator('#files-already');
      expect(await notice.count()).toBe(1);
      expect(await notice.textContent()).toContain(lang === 'ko' ? '전에 이미 올리셨습니다' : '您之前已经传过');
      expect(await notice.textContent()).toContain('收据.pdf');
      await page.screenshot({ path: `test-artifacts/screenshots/files-already-nojs-${lang}.png`, fullPage: true });
      await newReportRefused(page);
      await closePage(page);
    });
  }

  // Two clerks of 南关区: one TOTP code is not taken twice within its window.
  for (const [lang, words, clerk] of [['zh-CN', '这次改动的内容没有保存', 'ng.shouli'], ['ko', '이번에 고친 내용은 저장되지 않았습니다', 'ng.chengban2']] as const) {
    it(`a clerk logging a call sends the form again with a changed text and is told it was not saved (${lang})`, async () => {
      const page = await phone();
      await site.signIn(page, clerk);
      if (lang === 'ko') await page.goto(site.url('/lang/ko?next=/'));
      await page.goto(site.url('/staff/reports/new?prefecture=220100&county=220102&township=220102001'));
      await page.locator('#field-category input[type="radio"]').first().check();
      await expect.poll(() => page.locator('#village option').count()).toBeGreaterThan(2);
      await page.locator('#village').selectOption({ index: 1 });
      await page.locator('#description').fill('来电人说：村主任把他弟弟一家评成了低保户。');
      // The first send reaches the server and files the report, but its answer never reaches this
      // page: sent here from the page's own form data (same nonce, same session), the page left as it was.
      const action = (await page.locator('#report-form').getAttribute('action'))!;
      const fields = await page.locator('#report-form').evaluate((form: HTMLFormElement) => [...new FormData(form)].filter(([, v]) => typeof v === 'string') as [string, string][]);
      const first = await page.request.post(site.url(action), { multipart: Object.fromEntries(fields) });
      expect(first.status()).toBe(200);
      // The clerk adds what the caller just said and sends again, same form.
      await page.locator('#description').fill('来电人说：村主任把他弟弟一家评成了低保户，还有他小舅子一家。');
      await page.locator('#field-submit').click();
      await page.waitForSelector('#repeat-changed');
      expect(await page.locator('#repeat-changed').textContent()).toContain(words);
      await page.screenshot({ path: `test-artifacts/screenshots/staff-repeat-changed-${lang}.png`, fullPage: true });
      await closePage(page);
    });
  }
});
