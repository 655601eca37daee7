// The main journeys in real Chromium against the real server (issue 9, journeys 1 and 2): a
// citizen on a phone files a report with a photo and follows it; county staff sign in with 2FA,
// accept, assign, ask a question and conclude; the citizen reads the answer and asks for a review,
// which reaches the city supervisor.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newPhonePage, screenshot, type Page } from '../helpers/browser.js';
import { jpegWith, pngWith } from '../evidence/media/builders.js';
import { useDemoSite } from './demo-accounts.js';
import { fillReportForm } from './report-form.js';

describeBrowser('journeys of a citizen and the county', () => {
  const site = useDemoSite();
  const { url } = site;
  let code = '';
  let caseNo = '';

  vi.setConfig({ testTimeout: 90_000 });

  /** Finds the report of this journey in the staff inbox and opens it. */
  async function openCase(page: Page) {
    await page.goto(url(`/staff/reports?q=${caseNo}`));
    await page.getByRole('link', { name: caseNo }).click();
  }

  async function trackWithCode(page: Page) {
    await page.goto(url('/track'));
    await page.getByLabel('查询码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/track\/report/);
  }

  it('1. a citizen on a phone files an anonymous report with a photo and gets a query code', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(url('/'));
    await page.getByRole('link', { name: /我要举报/ }).first().click();
    await page.waitForURL(/\/report/);
    await expectAccessible(page, 'journey1-form-phone');
    await fillReportForm(page, '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，还开着小卖部。');
    await page.getByLabel('被反映人职务').selectOption('village_cadre');
    await page.locator('#evidence').setInputFiles({ name: '照片.jpg', mimeType: 'image/jpeg', buffer: jpegWith() });
    await page.getByRole('button', { name: '提交举报' }).click();
    await page.waitForSelector('#query-code');
    code = (await page.locator('#query-code').textContent())!.trim();
    expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    caseNo = (await page.locator('.facts dd').first().textContent())!.trim();
    expect(caseNo).toMatch(/^JL\d{4}-\d{6}$/);
    // With JavaScript the text went first and the photo followed, with its own progress line.
    await expect.poll(() => page.locator('.staged-uploads li').filter({ hasText: '照片.jpg' }).filter({ hasText: '已删除位置和设备信息' }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByText('全部文件已上传').count()).toBe(1);
    await expectAccessible(page, 'journey1-confirmation-phone');
    await closePage(page);
  });

  it('2. the intake officer signs in with 2FA, accepts, assigns and asks the reporter a question', async () => {
    const page = await site.staffPage('ng.shouli');
    await expectAccessible(page, 'journey2-dashboard');
    await openCase(page);
    await expectAccessible(page, 'journey2-report');
    await page.getByRole('button', { name: '受理', exact: true }).click();
    await page.waitForURL(/done=accept/);
    await page.getByLabel('责任人').selectOption({ label: '周建军' });
    const due = page.locator('#assign-due');
    await due.fill((await due.getAttribute('max')) ?? '2026-12-31');
    await page.getByRole('button', { name: '交办', exact: true }).click();
    await page.waitForURL(/done=assign/);
    await page.getByLabel('留言').fill('您好，请问他弟弟家是哪一年评上低保的？');
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/done=message/);
    await closePage(page);
  });

  it('3. the citizen comes back with the code, reads the question, replies and adds a file', async () => {
    const page = await newPhonePage(site.browser);
    await trackWithCode(page);
    // The question at the top (not answered yet) and in the timeline; answered, only in the timeline.
    await expect.poll(() => page.locator('#staff-question').getByText('请问他弟弟家是哪一年评上低保的').count()).toBe(1);
    await expect.poll(() => page.getByText('请问他弟弟家是哪一年评上低保的').count()).toBe(2);
    await page.getByLabel('写给办理人员的话').fill('是2025年秋天评上的，村里好几户都知道。');
    await page.getByRole('button', { name: '发送' }).click();
    await page.waitForURL(/done=message/);
    expect(await page.locator('#staff-question').count()).toBe(0);
    // Another picture than the report's first (the same content again would be named as already received).
    await page.locator('#track-evidence').setInputFiles({ name: '公示照片.png', mimeType: 'image/png', buffer: pngWith([]) });
    await page.getByRole('button', { name: '上传' }).click();
    await page.waitForURL(/done=files/);
    await expect.poll(() => page.getByText('您补充了材料').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'journey3-track-phone');
    await closePage(page);
  });

  it('4. the handler concludes; the citizen reads the answer and asks for a review that reaches the city', async () => {
    const handler = await site.staffPage('ng.fuzeren');
    await openCase(handler);
    await handler.getByRole('button', { name: '开始核查' }).click();
    await handler.waitForURL(/done=start/);
    await handler.getByLabel('部分属实').check();
    await handler.getByLabel('处理意见（书面答复举报人）').fill('经入户核查，您反映的问题部分属实：该户有两台农用拖拉机，但小卖部已于2025年关闭。已停发其低保金并重新评议。');
    await handler.getByRole('button', { name: '提交核查结论' }).click();
    await handler.waitForURL(/done=conclude/);
    // The county's one lead wrote the answer: the city's lead approves it (four eyes, issue 19 item 9).
    const reportUrl = handler.url().split('?')[0]!;
    const approver = await site.staffPage('cc.dubanyuan');
    await approver.goto(reportUrl);
    await approver.getByRole('button', { name: '批准并答复举报人' }).click();
    await approver.waitForURL(/done=/);
    await handler.goto(reportUrl);
    await handler.getByRole('button', { name: '办结' }).click();
    await handler.waitForURL(/done=close/);
    await closePage(handler);

    const citizen = await newPhonePage(site.browser);
    await trackWithCode(citizen);
    await expect.poll(() => citizen.getByText('已停发其低保金并重新评议').count()).toBeGreaterThan(0);
    await citizen.getByLabel('不满意的理由').fill('小卖部还在开，核查没有去现场。');
    await citizen.getByRole('button', { name: '申请复查' }).click();
    await citizen.waitForURL(/done=review/);
    await expect.poll(() => citizen.getByText('复查中').count()).toBeGreaterThan(0);
    await screenshot(citizen, 'journey4-review-requested-phone');
    await closePage(citizen);

    // The same city lead, still signed in (a second sign-in within 30 s would replay the TOTP code).
    const city = approver;
    await city.goto(url('/staff/reports?status=under_review'));
    await expect.poll(() => city.getByRole('link', { name: caseNo }).count()).toBe(1);
    await city.getByRole('link', { name: caseNo }).click();
    await expect.poll(() => city.getByRole('button', { name: '答复' }).count()).toBe(1);
    await expectAccessible(city, 'journey4-city-review');
    await closePage(city);
  });
});
