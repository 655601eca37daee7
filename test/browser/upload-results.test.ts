// Issue 20 item 1 in real Chromium: with JavaScript the text goes first and the files follow one by
// one; a file the server refuses (a page named .jpg) shows the server's reason, a file over the
// size limit is refused before a byte is sent, and the page says how many did not arrive — never
// "全部文件已上传" when some did not. The upload list sits below the query code's warning. A form that
// comes back with a field error keeps the chosen files and sends them once with the corrected form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { closePage, describeBrowser, newDesktopPage, newPhonePage } from '../helpers/browser.js';
import { jpegWith } from '../evidence/media/builders.js';
import { useDemoSite } from './demo-accounts.js';
import { fillReportForm } from './report-form.js';

describeBrowser('upload results on the confirmation page', () => {
  const site = useDemoSite();
  vi.setConfig({ testTimeout: 90_000 });
  // The three files on disk: given by path, Chromium reads them itself, where the 21 MB video went
  // over the DevTools protocol as base64 in every one of the four runs (Playwright takes paths or
  // buffers, not both in one list).
  const fileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-upload-results-'));
  const chosen = (
    [
      ['照片.jpg', jpegWith()],
      ['假照片.jpg', Buffer.from('<!doctype html><title>x</title><p>not a photo</p>')],
      ['很大的视频.mp4', Buffer.alloc(21 * 1024 * 1024, 1)],
    ] as const
  ).map(([name, bytes]) => {
    fs.writeFileSync(path.join(fileDir, name), bytes);
    return path.join(fileDir, name);
  });
  afterAll(() => fs.rmSync(fileDir, { recursive: true, force: true }));

  for (const [device, open] of [['phone', newPhonePage], ['desktop', newDesktopPage]] as const) {
    for (const care of [false, true]) {
      it(`names each refused file with its reason and does not claim they all arrived (${device}, ${care ? 'care' : 'normal'} mode)`, async () => {
        const page = await open(site.browser);
        if (care) await page.goto(site.url('/care/on?next=/'));
        let uploads = 0;
        page.on('request', (r) => {
          if (r.url().includes('/track/files')) uploads++;
        });
        await page.goto(site.url('/report'));
        await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
        await page.locator('#evidence').setInputFiles(chosen);

        await page.getByRole('button', { name: '提交举报' }).click();
        await page.waitForSelector('#query-code');
        const rows = page.locator('.staged-uploads li');
        await expect.poll(() => rows.filter({ hasText: '照片.jpg' }).filter({ hasText: '已删除位置和设备信息' }).count(), { timeout: 20_000 }).toBe(1);
        await expect.poll(() => rows.filter({ hasText: '假照片.jpg' }).filter({ hasText: '不能用这种文件' }).count(), { timeout: 20_000 }).toBe(1);
        // What "20 MB" means to a villager, and what to do (session 10: the size alone said nothing).
        expect(await rows.filter({ hasText: '很大的视频.mp4' }).filter({ hasText: '每个文件不能超过 20 MB' }).filter({ hasText: '请剪短一些，或者改传照片' }).count()).toBe(1);
        await expect.poll(() => page.getByText('有 2 个文件没有传上去').count()).toBe(1);
        // Where to send a refused file later; never "and the other files were received" when there may be none.
        const status = await page.locator('.staged-uploads .notice').textContent();
        expect(status).toContain('在“补充证据材料”里再传');
        expect(status).not.toContain('其他文件');
        expect(await page.getByText('全部文件已上传').count()).toBe(0);
        // The oversize file was never sent: two uploads, not three.
        expect(uploads).toBe(2);
        // Below the "write the code down" warning, not between the code and it.
        expect(await page.locator('#query-code-keep + .staged-uploads').count()).toBe(1);
        await closePage(page);
      });
    }
  }

  // A form that comes back with a field error after a staged send (the text goes first, so the
  // server never saw the files): the chosen files stay chosen and go with the corrected form, once.
  it('keeps the chosen photo when the form comes back with an error, and sends it once with the corrected form (phone, care mode)', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(site.url('/care/on?next=/'));
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/track/files')) uploads.push(r.url());
    });
    await page.goto(site.url('/report'));
    await fillReportForm(page, '村会计把死了两年的人还报着低保，钱不知道谁领走了。');
    await page.getByLabel('实名举报').check();
    await page.getByLabel('您的姓名').fill('金顺姬');
    await page.getByLabel('联系电话').fill('0433-2512345');
    await page.getByLabel('用这个号码接收短信通知').check();
    await page.locator('#evidence').setInputFiles({ name: '名单照片.jpg', mimeType: 'image/jpeg', buffer: jpegWith() });
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#reporter_sms-error');
    // Still chosen, and the page says so beside the file field, by name.
    expect(await page.locator('#evidence').evaluate((el: HTMLInputElement) => Array.from(el.files ?? []).map((f) => f.name))).toEqual(['名单照片.jpg']);
    const kept = page.locator('#field-evidence #evidence-kept');
    await expect.poll(() => kept.isVisible()).toBe(true);
    expect(await kept.textContent()).toContain('名单照片.jpg');
    expect(await kept.textContent()).toContain('不用重新选');
    expect(uploads).toHaveLength(0);
    // The place selects still load the next level without a reload on the form that came back.
    expect(await page.locator('button[name="action"][value="refresh_place"]').isVisible()).toBe(false);
    await page.getByLabel('用这个号码接收短信通知').uncheck();
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    const rows = page.locator('.staged-uploads li');
    await expect.poll(() => rows.filter({ hasText: '名单照片.jpg' }).filter({ hasText: '已删除位置和设备信息' }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByText('全部文件已上传').count()).toBe(1);
    expect(uploads).toHaveLength(1);
    // The report has the photo: its tracking page, opened with the query code (the follow-up session
    // ended with the uploads), names the one file she sent.
    const code = (await page.locator('#query-code').textContent())!.replace(/\s/g, '');
    await page.goto(site.url('/track'));
    await page.locator('#code').fill(code);
    await page.locator('#code').press('Enter');
    await page.waitForURL(/\/track\/report/);
    await expect.poll(() => page.getByText('名单照片.jpg').count()).toBeGreaterThan(0);
    await closePage(page);
  });

  it('leaves no form token in the address bar after a plain post (issue 20 item 11)', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(site.url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    await expect.poll(() => new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).pathname).toBe('/report');
    await closePage(page);
  });

  // A villager who looked at another page and pressed Back found the county list empty, with the
  // "show the next level" button hidden by the script: no way on but to pick the city again (session 10).
  it('after Back from another page, the place lists below the chosen city can be chosen from again', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(site.url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机。');
    await page.goto(site.url('/hotlines'));
    await page.goBack();
    await page.waitForSelector('#report-form');
    expect(await page.locator('#prefecture').inputValue()).toBe('220100');
    await expect.poll(() => page.locator('#county option[value="220102"]').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('#county').selectOption('220102');
    await expect.poll(() => page.locator('#township option[value="220102001"]').count()).toBe(1);
    await closePage(page);
  });

  // After filing with files the phone stayed in the report for 15 minutes: whoever tapped 查询办理进度
  // next could read it, withdraw it or give a name (session 10). The session ends with the uploads.
  it('ends the follow-up session once the files are up: the tracking page asks for the code again', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(site.url('/report'));
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，照片在这里。');
    await page.locator('#evidence').setInputFiles(chosen[0]!);
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    await expect.poll(() => page.locator('.staged-uploads .notice.ok').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => {
      const res = await page.request.get(site.url('/track/report'), { maxRedirects: 0 });
      return `${res.status()} ${res.headers().location ?? ''}`;
    }).toBe('303 /track');
    await closePage(page);
  });
});
