// Journeys 3 and 4 of issue 9 in real Chromium: a report about a village cadre is referred, the
// county commission accepts it and records a sanction, the handler concludes, a typical case is
// drafted, signed off by the commission, approved by the lead and appears on the public list; and
// a citizen objects to a published recipient, which reaches the county.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newPhonePage } from '../helpers/browser.js';
import { useDemoSite } from './demo-accounts.js';
import { todayInChina } from '../../src/clocks/index.js';

describeBrowser('journeys of oversight', () => {
  const site = useDemoSite();
  const { url } = site;
  vi.setConfig({ testTimeout: 120_000 });

  const caseTitle = `南岭街道村干部优亲厚友问题（浏览器测试 ${Date.now() % 100000}）`;

  it('3. a referral about a village cadre ends as a published typical case', async () => {
    const handler = await site.staffPage('ng.fuzeren');
    await handler.goto(url('/staff/reports?status=accepted&sort=oldest'));
    const link = handler.locator('table.inbox a[href^="/staff/reports/"]').first();
    const caseNo = (await link.textContent())!.trim();
    await link.click();
    await handler.getByLabel('核查情况和移送意见（至少10个字）').fill('经初步核实，村干部在低保评议中为其亲属违规办理低保，涉嫌优亲厚友，依规移送。');
    await handler.getByRole('button', { name: '移送纪检监察机关' }).click();
    await handler.waitForURL(/done=refer/);
    const reportUrl = handler.url().split('?')[0]!;

    const inspector = await site.staffPage('ng.jijian');
    await inspector.goto(url('/staff/referrals'));
    await inspector.getByRole('link', { name: caseNo }).click();
    await expectAccessible(inspector, 'journey3-referral');
    await inspector.getByRole('button', { name: '受理' }).click();
    await inspector.waitForURL(/done=accept/);
    await inspector.getByLabel('处理结果').selectOption('party:warning');
    // A decision cannot predate the acceptance (issue 19 item 11): it is dated today.
    await inspector.getByLabel('作出日期').fill(todayInChina());
    await inspector.getByLabel('简要说明').fill('经查属实，给予该村干部党内警告处分，责令退还违规领取的低保金。');
    await inspector.getByRole('button', { name: '记录处理结果' }).click();
    await inspector.waitForURL(/done=result/);
    // Results may be several; the body then concludes (办结) and the case goes back to the handler.
    await inspector.getByRole('button', { name: '办结' }).click();
    await inspector.waitForURL(/done=conclude/);

    await handler.goto(reportUrl);
    await handler.getByLabel('属实', { exact: true }).check();
    await handler.getByLabel('处理意见（书面答复举报人）').fill('经县纪委监委查处，您反映的村干部优亲厚友问题属实，已给予党内警告处分并追回违规发放的低保金，该户低保已停发。');
    await handler.getByRole('button', { name: '提交核查结论' }).click();
    await handler.waitForURL(/done=conclude/);
    // The county has one lead, who wrote the answer: the city's lead approves it (four eyes, issue 19 item 9).
    const city = await site.staffPage('cc.dubanyuan');
    await city.goto(reportUrl);
    await city.getByRole('button', { name: '批准并答复举报人' }).click();
    await city.waitForURL(/done=/);
    await handler.goto(reportUrl);
    await handler.getByRole('link', { name: '起草典型案例' }).click();
    await handler.getByRole('button', { name: '创建草稿' }).click();
    await handler.waitForURL(/\/staff\/cases\/\d+/);
    await handler.getByLabel('标题').fill(caseTitle);
    await handler.getByLabel('正文').fill('2026年，南岭街道某社区村干部王某在低保评议中为其亲属违规办理低保。经县纪委监委查处，给予王某党内警告处分，违规发放的低保金已全部追回。');
    await handler.getByRole('button', { name: '保存草稿' }).click();
    await handler.getByRole('button', { name: '提交审批' }).click();
    const caseUrl = handler.url().split('?')[0]!;

    await inspector.goto(caseUrl);
    await inspector.getByRole('button', { name: '会签同意' }).click();
    await expect.poll(() => inspector.getByRole('button', { name: '会签同意' }).count()).toBe(0);

    // Its author does not approve the typical case either: the city's lead does.
    await handler.goto(caseUrl);
    expect(await handler.getByRole('button', { name: '批准并发布' }).count()).toBe(0);
    await city.goto(caseUrl);
    await city.getByRole('button', { name: '批准并发布' }).click();
    await expect.poll(() => city.getByRole('button', { name: '批准并发布' }).count()).toBe(0);
    await closePage(city);
    await closePage(handler);
    await closePage(inspector);

    const citizen = await newPhonePage(site.browser);
    await citizen.goto(url('/cases'));
    await expect.poll(() => citizen.getByRole('link', { name: caseTitle }).count()).toBe(1);
    await expectAccessible(citizen, 'journey3-public-cases');
    await closePage(citizen);
  });

  it('4. a citizen objects to a published recipient and the objection reaches the county', async () => {
    const citizen = await newPhonePage(site.browser);
    await citizen.goto(url('/disclosure/regions/220102001'));
    await citizen.locator('a[href^="/disclosure/villages/"]').first().click();
    await expectAccessible(citizen, 'journey4-roster-phone');
    await citizen.getByRole('link', { name: /对此有异议/ }).first().click();
    await citizen.waitForURL(/\/report\?/);
    expect(await citizen.locator('input[name="category"]:checked').count()).toBe(1);
    expect(await citizen.locator('#township').inputValue()).toBe('220102001');
    await citizen.getByLabel('具体情况').fill('这户人家在城里有两套楼房出租，儿子开车跑运输，不应该享受低保。');
    await citizen.getByRole('button', { name: '提交举报' }).click();
    await citizen.waitForSelector('#query-code');
    await closePage(citizen);

    const intake = await site.staffPage('ng.shouli');
    await intake.goto(url('/staff/disclosure/objections'));
    await expect.poll(() => intake.locator('a[href^="/staff/reports/"]').count()).toBeGreaterThan(0);
    await expectAccessible(intake, 'journey4-objections');
    await closePage(intake);
  });
});
