// The office workflow of issue 19 ("Done when") in real Chromium on the demo site: a villager's
// report is accepted by the county (南关区民政局) and assigned (交办) to the township official 郑春生
// (南岭街道办事处) with a 交办期限; the deadline passes and the sweep reminds in the portal and by
// e-mail; she asks for more time, which the county's intake grants; she keeps notes and uploads a
// 核查笔录; her answer is returned by the county's lead and comes back with its text kept, is redrafted
// and approved by a second person — the lead, never she who wrote it (four eyes, issue 19 item 9; the
// county has one lead, and a handler's answer does not go to the city: permissions.ts
// approve_conclusion); the villager asks for a review, the city reopens
// the case, the county assigns it again and a second answer reaches the villager. At each step the
// 我的待办 (queue=mine) of each role is read as that user sees it.
//
// Who is who (src/demo/staff.ts): ng.shouli 李晓红 intake, ng.fuzeren 周建军 the county's one lead
// (and a handler), nanling.zhuli 郑春生 handler of 南岭街道办事处 (gov:220102001), cc.dubanyuan 王立新
// supervisor and lead of 长春市民政局, which answers the county's reviews. Each has an e-mail address
// <username>@staff.sunshine.invalid; without SMTP_URL the server writes mail to DATA_DIR/outbox.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newPhonePage, type Page } from '../helpers/browser.js';
import { pdfFile } from '../evidence/media/builders.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { useDemoSite } from './demo-accounts.js';
import { fillReportForm } from './report-form.js';
import { readOutbox } from './outbox.js';

describeBrowser('journey: a report through the county office and a township (issue 19)', () => {
  // The deadline sweep every 2 s instead of every 5 minutes, so a passed 交办期限 is acted on while the test waits.
  const site = useDemoSite({ SUNSHINE_SCHEDULER_SECONDS: '2' });
  const { url } = site;
  vi.setConfig({ testTimeout: 180_000 });

  const today = todayInChina();
  const firstDue = addDays(today, 20);
  const missedDue = addDays(today, -1);
  const extendedDue = addDays(today, 30);
  const secondDue = addDays(today, 25);

  const firstAnswer = '经入户核查，该户家庭人均收入低于当地低保标准，但其家中确有一台农用拖拉机，已要求村里重新评议。';
  const addition = '小卖部已于2025年10月关闭，有工商注销记录为证。';
  const secondAnswer = '经重新入户核查并走访邻居，该户小卖部实际仍在经营，家庭收入高于低保标准，已停发其低保金并追回多发部分。';
  const note = '入户走访了村主任和两户邻居，邻居说小卖部还开着。';
  const returnReason = '请写明小卖部关闭的时间和依据。';

  let code = '';
  let caseNo = '';
  let reportUrl = '';

  // One signed-in page per account for the whole journey: signing the same account in again within
  // 30 s would replay its TOTP code, and a new sign-in ends the account's other session.
  const pages = new Map<string, Page>();
  async function staff(username: string): Promise<Page> {
    let page = pages.get(username);
    if (!page) {
      page = await site.staffPage(username);
      pages.set(username, page);
    }
    return page;
  }

  /**
   * This report's row in the user's 我的待办, as the inbox's filter form asks for it (queue and the
   * search box); the locator matches nothing when the queue does not hold it.
   */
  async function myQueueRow(page: Page) {
    await page.goto(url(`/staff/reports?queue=mine&q=${caseNo}`));
    await page.locator('#inbox-total').waitFor();
    return page.locator('table.inbox tbody tr').filter({ has: page.getByRole('link', { name: caseNo, exact: true }) });
  }

  async function expectInQueue(username: string, shows: boolean) {
    const row = await myQueueRow(await staff(username));
    expect(await row.count(), `${username}'s 我的待办 ${shows ? 'shows' : 'does not show'} ${caseNo}`).toBe(shows ? 1 : 0);
    return row;
  }

  /** Opens the report from the user's 我的待办, as they would. */
  async function openFromQueue(username: string): Promise<Page> {
    const row = await expectInQueue(username, true);
    const page = await staff(username);
    await row.getByRole('link', { name: caseNo, exact: true }).click();
    await page.waitForURL(/\/staff\/reports\/\d+$/);
    return page;
  }

  async function trackWithCode(page: Page) {
    await page.goto(url('/track'));
    await page.getByLabel('查询码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/track\/report/);
  }

  /** The in-app notices of this report with this label on the user's /staff/notices, reloaded until the sweep has written one (bounded). */
  async function expectNotice(username: string, label: string) {
    const page = await staff(username);
    await expect
      .poll(
        async () => {
          await page.goto(url('/staff/notices'));
          return page.locator('.notice-list li').filter({ hasText: label }).filter({ has: page.getByRole('link', { name: caseNo, exact: true }) }).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
  }

  async function assignToTownship(page: Page, due: string) {
    const township = await page.locator('#assign-unit option', { hasText: '南岭街道' }).getAttribute('value');
    await page.getByLabel('承办单位').selectOption(township!);
    await page.getByLabel('责任人').selectOption({ label: '郑春生' });
    await page.locator('#assign-due').fill(due);
    await page.getByRole('button', { name: '交办', exact: true }).click();
    await page.waitForURL(/done=assign$/);
  }

  async function draftAnswer(page: Page, finding: RegExp, text: string) {
    await page.getByRole('radio', { name: finding }).check();
    await page.getByLabel('处理意见（书面答复举报人）').fill(text);
    await page.getByRole('button', { name: '提交核查结论' }).click();
    await page.waitForURL(/done=conclude$/);
  }

  it('0. a villager on a phone files a report and keeps the query code; it waits in intake\'s 待办', async () => {
    const villager = await newPhonePage(site.browser);
    await villager.goto(url('/report'));
    await fillReportForm(villager, '村里把村主任的表弟评成了低保户，他家开着小卖部，还有一台拖拉机，根本不困难。');
    await villager.getByRole('button', { name: '提交举报' }).click();
    await villager.waitForSelector('#query-code');
    code = (await villager.locator('#query-code').textContent())!.trim();
    caseNo = (await villager.locator('.facts dd').first().textContent())!.trim();
    expect(caseNo).toMatch(/^JL\d{4}-\d{6}$/);
    await closePage(villager);

    await expectInQueue('ng.shouli', true);
    await expectInQueue('nanling.zhuli', false);
  });

  it('1. intake accepts and assigns it to the township with a 交办期限; the township\'s queue shows it', async () => {
    const intake = await openFromQueue('ng.shouli');
    reportUrl = intake.url();
    await intake.getByRole('button', { name: '受理', exact: true }).click();
    await intake.waitForURL(/done=accept$/);
    // Accepted and not yet assigned: still intake's next work.
    await expectInQueue('ng.shouli', true);

    await intake.goto(reportUrl);
    await assignToTownship(intake, firstDue);
    await expect.poll(() => intake.locator('#assignment-due time').textContent()).toBe(firstDue);

    await expectInQueue('ng.shouli', false);
    const row = await expectInQueue('nanling.zhuli', true);
    expect(await row.textContent()).toContain(firstDue);
    expect(await row.textContent()).toContain('郑春生');
    await expectAccessible(await staff('nanling.zhuli'), 'office-township-queue');
    await expectNotice('nanling.zhuli', '有一件举报交办给您');
  });

  it('2. the township misses the 交办期限: reminded in the portal and by e-mail, the assigning unit too', async () => {
    const escalated = (to: string) => readOutbox(site.server.dataDir).filter((m) => m.to.includes(to) && m.subject.includes('交办件已超过交办期限') && m.subject.includes(caseNo));
    expect(escalated('nanling.zhuli@'), 'nothing is escalated before the 交办期限 has passed').toEqual([]);

    // Twenty days cannot pass in a test and no route sets a 交办期限 in the past (workflow.checkAssignmentDue
    // refuses it, rightly), so the date is moved back in the database file itself, as the calendar
    // would have moved it. The stamp triggers see the write, so no cached staff page goes stale.
    const db = new Database(path.join(site.server.dataDir, 'sunshine.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const moved = db.prepare('UPDATE reports SET assignment_due = ? WHERE case_no = ?').run(missedDue, caseNo);
      expect(moved.changes).toBe(1);
    } finally {
      db.close();
    }

    const row = await expectInQueue('nanling.zhuli', true);
    expect(await row.locator('.badge.danger').textContent()).toContain(`已超期 ${missedDue}`);

    // The sweep (every 2 s here) tells the responsible person and the assigning unit's intake and lead, in the portal…
    await expectNotice('nanling.zhuli', '交办件已超过交办期限');
    await expectNotice('ng.shouli', '交办件已超过交办期限');
    await expectNotice('ng.fuzeren', '交办件已超过交办期限');
    await expectAccessible(await staff('ng.shouli'), 'office-intake-notices');

    // … and by e-mail, once each (the sweeps that follow send nothing again).
    for (const to of ['nanling.zhuli@', 'ng.shouli@', 'ng.fuzeren@']) {
      const mails = escalated(to);
      expect(mails, `one overdue mail to ${to}`).toHaveLength(1);
      expect(mails[0]!.text).toContain(`举报 ${caseNo} 的交办期限${missedDue}已过`);
      expect(mails[0]!.text).toContain(reportUrl.replace(/^http:\/\/[^/]+/, ''));
    }

    const township = await staff('nanling.zhuli');
    await township.goto(reportUrl);
    await expect.poll(() => township.locator('#assignment-due').textContent()).toContain('已超期');
  });

  it('3. the township asks for a later 交办期限; the assigning unit sees the request in its queue and grants it', async () => {
    const township = await staff('nanling.zhuli');
    await township.goto(reportUrl);
    await township.getByLabel('申请延至', { exact: true }).fill(extendedDue);
    await township.getByLabel('理由（至少5个字，只在内部可见').fill('村主任外出务工，月底才回村，需要当面核实。');
    await township.getByRole('button', { name: '申请延长交办期限' }).click();
    await township.waitForURL(/done=assignment_extension$/);
    await expect.poll(() => township.getByText(`您已申请把交办期限延至${extendedDue}，等待交办单位审批。`).count()).toBe(1);

    // The request is intake's and the lead's next work; either may decide it.
    await expectInQueue('ng.fuzeren', true);
    await expectNotice('ng.shouli', '承办人申请延长交办期限');
    const intake = await openFromQueue('ng.shouli');
    await expect.poll(() => intake.getByText(`郑春生申请把交办期限从${missedDue}延至${extendedDue}，理由：`).count()).toBe(1);
    await expectAccessible(intake, 'office-extension-decision');
    await intake.getByLabel('审批意见').fill('同意，请在新的期限内办结。');
    await intake.getByRole('button', { name: '同意延期' }).click();
    await intake.waitForURL(/done=assignment_extension_decision$/);
    await expect.poll(() => intake.locator('#assignment-due time').textContent()).toBe(extendedDue);
    expect(await intake.locator('#assignment-due .badge').textContent()).toBe('期限内');

    await expectInQueue('ng.shouli', false);
    await expectInQueue('ng.fuzeren', false);
    const row = await expectInQueue('nanling.zhuli', true);
    expect(await row.textContent()).toContain(extendedDue);
    expect(await row.locator('.badge.danger').count()).toBe(0);
    await expectNotice('nanling.zhuli', '延长交办期限的申请已有审批结果');
  });

  it('4. the township starts the investigation, keeps a note and uploads a 核查笔录', async () => {
    const township = await staff('nanling.zhuli');
    await township.goto(reportUrl);
    await township.getByRole('button', { name: '开始核查' }).click();
    await township.waitForURL(/done=start$/);

    await township.getByLabel('留言', { exact: true }).fill(note);
    await township.getByLabel('仅内部备注（举报人看不到）').check();
    await township.getByRole('button', { name: '发送', exact: true }).click();
    await township.waitForURL(/done=message$/);
    await expect.poll(() => township.locator('.timeline li').filter({ hasText: '内部备注' }).filter({ hasText: note }).count()).toBe(1);

    const form = township.locator('#staff-files-form');
    await form.getByLabel('材料说明').fill('核查笔录（走访村主任）');
    await form.getByLabel('选择文件').setInputFiles({ name: '核查笔录.pdf', mimeType: 'application/pdf', buffer: pdfFile() });
    await form.getByRole('button', { name: '上传', exact: true }).click();
    await township.waitForURL(/done=staff_files/);
    const material = township.locator('#staff-files tbody tr').filter({ hasText: '核查笔录（走访村主任）' });
    await expect.poll(() => material.count()).toBe(1);
    expect(await material.textContent()).toContain('application/pdf');
    expect(await material.textContent()).toContain('郑春生');
    await expectAccessible(township, 'office-township-casework');
  });

  it('5. her answer is returned with a reason, comes back with its text kept, and is approved by a second person', async () => {
    const township = await staff('nanling.zhuli');
    await township.goto(reportUrl);
    await draftAnswer(township, /^部分属实$/, firstAnswer);
    // She does not approve her own answer.
    expect(await township.getByRole('button', { name: '批准并答复举报人' }).count()).toBe(0);

    // The draft is the lead's next work, not intake's.
    await expectInQueue('ng.shouli', false);
    const lead = await openFromQueue('ng.fuzeren');
    await expect.poll(() => lead.locator('.actions-panel .description').filter({ hasText: firstAnswer }).count()).toBe(1);
    await lead.getByLabel('退回意见').fill(returnReason);
    await lead.getByRole('button', { name: '退回修改' }).click();
    await lead.waitForURL(/done=approve_conclusion$/);

    // Returned: gone from the lead's queue, back with the township handler.
    await expectInQueue('ng.fuzeren', false);
    const row = await expectInQueue('nanling.zhuli', true);
    expect(await row.textContent()).toContain('正在核查');

    await row.getByRole('link', { name: caseNo, exact: true }).click();
    await township.waitForURL(/\/staff\/reports\/\d+$/);
    await expect.poll(() => township.getByText('核查结论已被退回修改').count()).toBe(1);
    expect(await township.locator('#conclude').textContent()).toContain(returnReason);
    // Nothing to retype: the returned text and finding are in the form.
    expect(await township.getByLabel('处理意见（书面答复举报人）').inputValue()).toBe(firstAnswer);
    expect(await township.getByRole('radio', { name: /^部分属实$/ }).isChecked()).toBe(true);
    await draftAnswer(township, /^部分属实$/, `${firstAnswer}${addition}`);

    await expectInQueue('ng.fuzeren', true);
    await lead.goto(reportUrl);
    await expect.poll(() => lead.locator('.actions-panel .description').filter({ hasText: addition }).count()).toBe(1);
    await lead.getByRole('button', { name: '批准并答复举报人' }).click();
    await lead.waitForURL(/done=approve_conclusion$/);
    await expect.poll(() => lead.locator('h1 .status').textContent()).toBe('已作出处理意见');
    await expectInQueue('ng.fuzeren', false);

    // The county ends it (办结): the township's assignment is done with.
    await lead.goto(reportUrl);
    await lead.getByRole('button', { name: '办结', exact: true }).click();
    await lead.waitForURL(/done=close$/);
    await expectInQueue('nanling.zhuli', false);
  });

  it('6. the villager reads the answer and asks for a review; the city reopens it and a second answer reaches the villager', async () => {
    const villager = await newPhonePage(site.browser);
    await trackWithCode(villager);
    await expect.poll(() => villager.locator('#answer .answer-body').textContent()).toBe(`${firstAnswer}${addition}`);
    // Internal work never reaches the reporter: the note, the returned draft's reason, the material.
    const seen = (await villager.locator('main').textContent())!;
    for (const hidden of [note, returnReason, '核查笔录', '郑春生']) expect(seen).not.toContain(hidden);
    await expectAccessible(villager, 'office-track-answer-phone');
    await villager.getByLabel('不满意的理由').fill('小卖部根本没关，天天开着门，核查的人没去现场看。');
    await villager.getByRole('button', { name: '申请复查' }).click();
    await villager.waitForURL(/done=review/);
    await expect.poll(() => villager.getByText('复查中').count()).toBeGreaterThan(0);
    await closePage(villager);

    // The review is the city's to answer, not the county intake's.
    await expectInQueue('ng.shouli', false);
    const city = await openFromQueue('cc.dubanyuan');
    await city.getByRole('radio', { name: '重新核查' }).check();
    await city.getByLabel('复查意见（答复举报人）').fill('经复查，原核查未到现场核实小卖部经营情况，事实不清，责成南关区民政局重新核查并答复。');
    await city.getByRole('button', { name: '答复', exact: true }).click();
    await city.waitForURL(/done=review_answer$/);
    await expectInQueue('cc.dubanyuan', false);

    // Reopened: back in intake's queue to be assigned again, the old assignment and finding gone.
    const intake = await openFromQueue('ng.shouli');
    expect(await intake.locator('h1 .status').textContent()).toBe('已受理');
    expect(await intake.locator('#assignment-due').count()).toBe(0);
    expect(await intake.locator('.facts').textContent()).not.toContain('部分属实');
    await expectInQueue('nanling.zhuli', false);

    await intake.goto(reportUrl);
    await assignToTownship(intake, secondDue);
    const row = await expectInQueue('nanling.zhuli', true);
    expect(await row.textContent()).toContain(secondDue);

    const township = await staff('nanling.zhuli');
    await township.goto(reportUrl);
    await township.getByRole('button', { name: '开始核查' }).click();
    await township.waitForURL(/done=start$/);
    // A fresh form: the first round's answer is not offered again.
    expect(await township.getByLabel('处理意见（书面答复举报人）').inputValue()).toBe('');
    await draftAnswer(township, /^属实$/, secondAnswer);

    const lead = await openFromQueue('ng.fuzeren');
    await lead.getByRole('button', { name: '批准并答复举报人' }).click();
    await lead.waitForURL(/done=approve_conclusion$/);
    await expectInQueue('ng.fuzeren', false);

    const back = await newPhonePage(site.browser);
    await trackWithCode(back);
    await expect.poll(() => back.locator('#answer .answer-body').textContent()).toBe(secondAnswer);
    await closePage(back);

    for (const page of pages.values()) await closePage(page);
    pages.clear();
  });
});
