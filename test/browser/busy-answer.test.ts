// A busy server must not cost a villager her report (JavaScript on, a phone 375 px wide). With files
// chosen the form's script sends the text itself; when the answer is a page without the form — the
// app's own "busy" page (429 for her network, 503 for everyone), or a proxy's error page — the form
// stays exactly as it was (text, choices, files, recording panel), the send button works again, and
// a message beside it says nothing was sent yet, nothing was lost, and to press send again later.
// Also: files refused as busy after the confirmation say so, a dropped connection still posts the
// form itself, and the no-script "pick these files again" notice uses the language's list separator.
//
// The busy answers are the real app's: the server allows one upload in flight per address and one in
// all (SUNSHINE_UPLOADS_PER_ADDRESS / _TOTAL), and the test holds one upload open — from the
// villager's own address for the 429, from another address (X-Forwarded-For, TRUST_PROXY) for the 503.
import http from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { closePage, describeBrowser, launchBrowser, newPhonePage, type Browser, type Page } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { jpegWith } from '../evidence/media/builders.js';
import { fillReportForm, fillReportFormByField } from './report-form.js';

describeBrowser('the report form when the server is busy (JavaScript on, phone)', () => {
  vi.setConfig({ testTimeout: 90_000 });
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({
        templateDb: true,
        env: {
          SUNSHINE_DEMO_DATA: 'off',
          SUNSHINE_UPLOADS_PER_ADDRESS: '1',
          SUNSHINE_UPLOADS_TOTAL: '1',
          // The held upload sends nothing for the whole test: it must not be cut off as stalled.
          SUNSHINE_UPLOAD_IDLE_SECONDS: '3600',
          SUNSHINE_UPLOAD_MIN_BYTES_PER_SECOND: '0',
          TRUST_PROXY: '127.0.0.1',
        },
      }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const url = (p: string) => `${server!.url}${p}`;

  /** The next send of the report form is answered, once, by a page of someone else's (a gateway, a Wi-Fi sign-in) instead of the app. */
  async function answerNextSend(page: Page, status: number, body: string): Promise<void> {
    await page.route(/\/report\?_csrf=/, (route) => route.fulfill({ status, contentType: 'text/html', body }), { times: 1 });
  }

  /** A tiny multipart post of our own: 'refused' when the upload gate answers 429 or 503. */
  async function probe(): Promise<'refused' | 'admitted'> {
    const res = await fetch(url('/track/files'), {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=probe', accept: 'application/json' },
      body: '--probe--\r\n',
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status === 429 || res.status === 503 ? 'refused' : 'admitted';
  }

  /**
   * Holds one upload in progress (a report form post whose body never ends), from `forwardedFor`
   * or from this machine's own address; resolves once the gate counts it (a probe is refused).
   */
  async function holdUpload(forwardedFor?: string): Promise<() => Promise<void>> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const answered = { value: false };
      const req = http.request(url('/report'), {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=held',
          'content-length': '10000000',
          // A post from one of our own pages (an expired token there keeps the form and reads the body).
          'sec-fetch-site': 'same-origin',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      });
      req.on('response', (res) => {
        answered.value = true;
        res.resume();
      });
      req.on('error', () => {
        answered.value = true;
      });
      req.write('--held\r\nContent-Disposition: form-data; name="description"\r\n\r\n');
      // Probing before the held post reaches the server would make the probe the one in flight.
      for (let i = 0; i < 50 && !answered.value; i++) {
        await new Promise((r) => setTimeout(r, 100));
        if (!answered.value && (await probe()) === 'refused') break;
      }
      // Refused itself (a probe was in flight at that moment): try again.
      if (answered.value) continue;
      return async () => {
        req.destroy();
        // The gate lets go when the server sees the connection close.
        await expect.poll(() => probe()).toBe('admitted');
      };
    }
    throw new Error('could not hold an upload open');
  }

  const photos = [
    { name: '低保名单.jpg', mimeType: 'image/jpeg', buffer: jpegWith() },
    { name: '存折.jpg', mimeType: 'image/jpeg', buffer: jpegWith() },
  ];

  async function chosenFiles(page: Page): Promise<string[]> {
    return page.locator('#evidence').evaluate((el: HTMLInputElement) => Array.from(el.files ?? []).map((f) => f.name));
  }

  /** Everything the villager put in the form, to compare before and after the busy answer. */
  async function formState(page: Page) {
    return page.locator('#report-form').evaluate((form: HTMLFormElement) =>
      Array.from(form.elements)
        .filter((el): el is HTMLInputElement => el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)
        .filter((el) => el.type !== 'file' && el.type !== 'hidden')
        .map((el) => `${el.name}=${el.type === 'radio' || el.type === 'checkbox' ? String(el.checked) : el.value}`),
    );
  }

  /** The form untouched, the send button usable again, and the message beside it, focused. */
  async function expectFormKept(page: Page, before: string[], words: string[]) {
    const message = page.locator('#report-form #send-problem');
    await expect.poll(() => message.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await message.getAttribute('role')).toBe('alert');
    const said = (await message.textContent()) ?? '';
    for (const w of words) expect(said).toContain(w);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-problem');
    expect(await formState(page)).toEqual(before);
    expect(await chosenFiles(page)).toEqual(photos.map((p) => p.name));
    expect(await page.locator('#report-form #voice-report').count()).toBe(1);
    expect(await page.locator('#report-form').getAttribute('data-sending')).toBeNull();
    expect(await page.locator('#field-submit').isEnabled()).toBe(true);
    // The message sits by the send button, on a phone's narrow screen too.
    const box = await message.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    return said;
  }

  /** Sends again once the server has room: the report is filed and both photos follow. */
  async function sendAgainAndSeeFiled(page: Page, button: string, done: string) {
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/track/files')) uploads.push(r.url());
    });
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForSelector('#query-code');
    await expect.poll(() => page.getByText(done).count(), { timeout: 20_000 }).toBe(1);
    expect(uploads).toHaveLength(2);
    expect(await page.locator('#send-problem').count()).toBe(0);
  }

  it('keeps the form, her text and her photos on the app’s 429 busy page, and says to press send again (zh-CN)', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
    await page.getByLabel('被反映人姓名').fill('王德福');
    await page.locator('#evidence').setInputFiles(photos);
    const before = await formState(page);
    const release = await holdUpload();
    try {
      const answer = page.waitForResponse((r) => r.url().includes('/report?_csrf=') && r.request().method() === 'POST');
      await page.getByRole('button', { name: '提交举报' }).click();
      expect((await answer).status()).toBe(429);
      const said = await expectFormKept(page, before, ['还没有提交', '都还在', '1分钟', '提交举报']);
      expect(said).not.toContain('返回');
      expect(await page.locator('h1').first().textContent()).toBe('我要举报');
    } finally {
      await release();
    }
    await sendAgainAndSeeFiled(page, '提交举报', '全部文件已上传');
    await closePage(page);
  });

  it('keeps the form on the app’s 503 page when everyone is sending at once (Korean)', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/lang/ko?next=/report'));
    await fillReportFormByField(page, '촌주임이 자기 동생네를 최저생활보장 대상으로 올렸습니다.');
    await page.locator('#evidence').setInputFiles(photos);
    const before = await formState(page);
    const release = await holdUpload('10.20.30.40');
    try {
      const answer = page.waitForResponse((r) => r.url().includes('/report?_csrf=') && r.request().method() === 'POST');
      await page.locator('#field-submit').click();
      expect((await answer).status()).toBe(503);
      await expectFormKept(page, before, ['아직', '그대로', '1분', '신고 제출']);
    } finally {
      await release();
    }
    await sendAgainAndSeeFiled(page, '신고 제출', '모든 파일을 올렸습니다.');
    await closePage(page);
  });

  it('keeps the form on a proxy’s error page without the form (English)', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/lang/en?next=/report'));
    await fillReportFormByField(page, 'The village head listed his brother for the minimum living allowance.');
    await page.locator('#evidence').setInputFiles(photos);
    const before = await formState(page);
    // A gateway in front of the app answers once with its own page, as nginx does while it restarts.
    await answerNextSend(page, 502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    await page.locator('#field-submit').click();
    await expectFormKept(page, before, ['not sent', 'still here', '1 minute', 'Send the report']);
    expect(await page.getByText('Bad Gateway').count()).toBe(0);
    await sendAgainAndSeeFiled(page, 'Send the report', 'All files were uploaded.');
    await closePage(page);
  });

  it('keeps the form when a page that is not the portal’s answers with 200 (a Wi-Fi sign-in page)', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，还开着小卖部。');
    await page.locator('#evidence').setInputFiles(photos);
    const before = await formState(page);
    // A village shop's Wi-Fi sends its own sign-in page for any address until the phone signs in.
    await answerNextSend(page, 200, '<html><head><title>WiFi</title></head><body><h1>欢迎使用免费WiFi</h1><form><input name="phone"><button>登录上网</button></form></body></html>');
    await page.getByRole('button', { name: '提交举报' }).click();
    await expectFormKept(page, before, ['还没有提交', '都还在', '提交举报']);
    expect(await page.getByText('欢迎使用免费WiFi').count()).toBe(0);
    await sendAgainAndSeeFiled(page, '提交举报', '全部文件已上传');
    await closePage(page);
  });

  it('says each photo was not sent when the uploads after the confirmation are refused as busy, never “all uploaded”', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/report'));
    await fillReportForm(page, '村会计把死了两年的人还报着低保，钱不知道谁领走了。');
    await page.locator('#evidence').setInputFiles(photos);
    // Everyone is sending at once by the time the photos follow the text: the app answers 503.
    let release: (() => Promise<void>) | undefined;
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/track/files')) statuses.push(r.status());
    });
    await page.route(/\/track\/files/, async (route) => {
      release ??= await holdUpload('10.20.30.41');
      await route.continue();
    });
    try {
      await page.getByRole('button', { name: '提交举报' }).click();
      await page.waitForSelector('#query-code');
      await expect.poll(() => page.getByText('有 2 个文件没有传上去').count(), { timeout: 20_000 }).toBe(1);
      const rows = page.locator('.staged-uploads li');
      expect(await rows.count()).toBe(2);
      for (const row of await rows.all()) {
        const said = (await row.locator('.status').textContent()) ?? '';
        expect(said).toContain('没有');
        expect(said).toContain('稍后');
        expect(said).not.toContain('已收到');
        expect(said).not.toContain('已删除位置');
      }
      expect(await page.getByText('全部文件已上传').count()).toBe(0);
      // What answered was the app's own refusal, where the browser saw one (it may see the closed
      // connection first: the refusal does not read the body).
      for (const s of statuses) expect(s).toBe(503);
    } finally {
      await release?.();
    }
    await closePage(page);
  });

  it('posts the form itself, photos and all, when the connection drops before any answer', async () => {
    const page = await newPhonePage(browser!);
    await page.goto(url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
    await page.locator('#evidence').setInputFiles(photos);
    // The script's send is cut off; the browser's own post of the form (a navigation) goes through.
    await page.route(/\/report\?_csrf=/, (route) => (route.request().isNavigationRequest() ? route.continue() : route.abort('connectionreset')));
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    for (const p of photos) expect(await page.getByText(p.name).count()).toBeGreaterThan(0);
    expect(await page.locator('.staged-uploads').count()).toBe(0);
    await closePage(page);
  });

  // Without script the form comes back from the server, which cannot keep files: the notice names
  // them, joined as the language joins a list.
  for (const [lang, joined] of [['zh-CN', '低保名单.jpg、存折.jpg'], ['ko', '低保名单.jpg, 存折.jpg'], ['en', '低保名单.jpg, 存折.jpg']] as const) {
    it(`names the files to pick again joined the ${lang} way (no script)`, async () => {
      const page = await newPhonePage(browser!, { javaScriptEnabled: false });
      await page.goto(url(`/lang/${lang}?next=/report`));
      await page.locator('#evidence').setInputFiles(photos);
      await page.locator('#field-submit').click();
      await page.waitForSelector('#error-summary');
      const notice = page.locator('#main .notice.warn[role="status"]').first();
      expect(await notice.textContent()).toContain(joined);
      await closePage(page);
    });
  }
});
