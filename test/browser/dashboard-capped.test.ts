// The dashboard (/staff) of a wide tree in real Chromium: a prefecture's or the province's ended
// states are counted up to DASHBOARD_PLAN.cap and shown as "N+", with a line under the table saying
// what that means and how to get the exact number (casework.dashboard.capped); a county's counts
// are exact, with no such line. Seen on a phone (375 px) and a desktop, in Chinese, Korean and
// English, with the 长辈模式 cookie set, with JavaScript off, and with the browser's text at 200 %:
// "2+" and the line are shown whole — not cut off, "2+" not broken across lines, nothing past the
// screen's edge, no sideways scroll of the page at 375 px — and axe finds nothing serious.
//
// An in-process app (makeApp) on a loopback port, so that the test can set the plan's numbers low
// for its own data and put them back after: a cap of 2, and a tree read in time order (where the
// cap applies) from 5 reports on.
import net from 'node:net';
import { inArray } from 'drizzle-orm';
import { staffSignIn } from './demo-accounts.js';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
// The app first: importing a casework module before it enters an import cycle half-way.
import { makeApp, type TestApp } from '../helpers/app.js';
import { closePage, describeBrowser, expectAccessible, launchBrowser, newDesktopPage, newPhonePage, screenshot, type Browser, type Page } from '../helpers/browser.js';
import { fileReportIn } from '../helpers/reports.js';
import { createStaff, type TestStaff } from '../helpers/staff.js';
import { DASHBOARD_PLAN } from '../../src/reports/casework/inbox.js';
import { SCOPE_PLAN } from '../../src/reports/casework/scope.js';
import { reports } from '../../src/reports/tables.js';

type Lang = 'zh-CN' | 'ko' | 'en';

/** What each language shows with a cap of 2: the count column's header, three ended states' names and the line under the table. */
const TEXT: Record<Lang, { count: string; closed: string; rejected: string; withdrawn: string; note: string }> = {
  'zh-CN': { count: '件数', closed: '已办结', rejected: '不予受理', withdrawn: '已撤回', note: '“2+”表示超过2件。要看准确件数，请点开该状态的列表，导出台账。' },
  ko: { count: '건수', closed: '처리 완료', rejected: '수리하지 않음', withdrawn: '철회됨', note: '“2+”는 2건을 넘는다는 뜻입니다. 정확한 건수는 해당 상태의 목록을 열고 대장을 내보내면 알 수 있습니다.' },
  en: { count: 'Count', closed: 'Closed', rejected: 'Not accepted', withdrawn: 'Withdrawn', note: '"2+" means more than 2. For the exact number, open that status\'s list and export the register.' },
};

interface View {
  device: 'phone' | 'desktop';
  lang: Lang;
  /** The 长辈模式 cookie set (staff pages keep their own layout; nothing may break). */
  care?: boolean;
  noScript?: boolean;
  /** The root font at 200 %, as a browser's text-size setting makes it. */
  bigText?: boolean;
}

const WIDTH = { phone: 375, desktop: 1280 } as const;

describeBrowser('the dashboard of a wide tree: ended states counted up to a cap', () => {
  vi.setConfig({ testTimeout: 120_000 });
  const shipped = { cap: DASHBOARD_PLAN.cap, denseReports: SCOPE_PLAN.denseReports };
  let t: TestApp;
  let browser: Browser;
  let base = '';
  const staff = new Map<'province' | 'prefecture' | 'county', TestStaff>();
  /** Each user's cookies once signed in: a TOTP code works once, so one sign-in a user serves every page. */
  const sessions = new Map<string, Awaited<ReturnType<ReturnType<Page['context']>['storageState']>>>();

  beforeAll(async () => {
    [t, browser] = await Promise.all([makeApp({ logLevel: 'warn' }), launchBrowser()]);
    DASHBOARD_PLAN.cap = 2;
    SCOPE_PLAN.denseReports = 5;
    // Ten reports in 长春市南关区: three closed, three not accepted, one withdrawn, three still received.
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(await fileReportIn(t.app, '220102'));
    await t.app.db.update(reports).set({ status: 'closed', dueOn: null }).where(inArray(reports.id, ids.slice(0, 3))).run();
    await t.app.db.update(reports).set({ status: 'rejected', dueOn: null }).where(inArray(reports.id, ids.slice(3, 6))).run();
    await t.app.db.update(reports).set({ status: 'withdrawn', dueOn: null }).where(inArray(reports.id, ids.slice(6, 7))).run();
    staff.set('province', await createStaff(t.app, 'ca:220000', ['supervisor'], { displayName: '省厅督办员' }));
    staff.set('prefecture', await createStaff(t.app, 'ca:220100', ['supervisor'], { displayName: '市局督办员' }));
    staff.set('county', await createStaff(t.app, 'ca:220102', ['intake'], { displayName: '区局受理员' }));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as net.AddressInfo).port}`;
  }, 150_000);

  afterAll(async () => {
    DASHBOARD_PLAN.cap = shipped.cap;
    SCOPE_PLAN.denseReports = shipped.denseReports;
    await browser?.close();
    await t?.close();
  });

  /** Signs `who` in through the real form (password, then the TOTP code) the first time; their cookies. */
  async function session(who: 'province' | 'prefecture' | 'county') {
    const known = sessions.get(who);
    if (known) return known;
    const s = staff.get(who)!;
    const page = await newDesktopPage(browser);
    await staffSignIn(page, base, { username: s.user.username, password: s.password, totp: s.totpSecret });
    const state = await page.context().storageState();
    await closePage(page);
    sessions.set(who, state);
    return state;
  }

  /** The dashboard of `who` as `view` shows it. */
  async function dashboard(who: 'province' | 'prefecture' | 'county', view: View): Promise<Page> {
    // 200 % text on a phone-sized window that does not zoom out to fit a wider page (a mobile
    // viewport would, and the table would then be laid out wider than the screen it is checked on).
    const options = { storageState: await session(who), javaScriptEnabled: !view.noScript, ...(view.bigText ? { isMobile: false } : {}) };
    const page = view.device === 'phone' ? await newPhonePage(browser, options) : await newDesktopPage(browser, options);
    const cookies = [...(view.lang === 'zh-CN' ? [] : [{ name: 'lang', value: view.lang, url: base }]), ...(view.care ? [{ name: 'care', value: '1', url: base }] : [])];
    if (cookies.length) await page.context().addCookies(cookies);
    const res = await page.goto(`${base}/staff`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe(view.lang);
    if (view.bigText) await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
    return page;
  }

  /** The by-status table (each row's status name and count, and where its count cell lies) and the line under it. */
  function layout(page: Page) {
    return page.evaluate(() => {
      const wrap = document.querySelector<HTMLElement>('[aria-labelledby="by-status"]')!;
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, height: r.height };
      };
      /** The lines an element's text takes (a "2+" broken after the 2 takes two): the tops of its text's boxes. */
      const lines = (el: Element) => {
        const tops = new Set<number>();
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        }
        return tops.size;
      };
      /** Cut off by its own box or an ancestor's: content wider than a box that does not show overflow. */
      const clipped = (el: Element) => {
        for (let e: Element | null = el; e && e !== document.body; e = e.parentElement) {
          if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible') return true;
        }
        return false;
      };
      const rows = [...wrap.querySelectorAll('tbody tr')].map((tr) => {
        const [name, count] = [...tr.querySelectorAll('td')];
        return { name: name!.textContent!.trim(), count: count!.textContent!.trim(), box: box(count!), lines: lines(count!), clipped: clipped(count!) };
      });
      const note = wrap.nextElementSibling?.matches('p.hint') ? wrap.nextElementSibling : null;
      const style = note && getComputedStyle(note);
      return {
        pageWidth: document.documentElement.scrollWidth,
        wrap: { ...box(wrap), scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth },
        header: [...wrap.querySelectorAll('thead th')].map((th) => th.textContent!.trim()),
        rows,
        note: note && {
          text: note.textContent!.trim(),
          box: box(note),
          clipped: clipped(note),
          shown: style!.display !== 'none' && style!.visibility !== 'hidden' && Number(style!.opacity) > 0 && note.getBoundingClientRect().height > 0,
          fontSize: parseFloat(style!.fontSize),
        },
        notesInMain: document.querySelectorAll('main p.hint').length,
      };
    });
  }

  /** "2+" for closed and not accepted, "1" for withdrawn, and the line under the table, all whole and inside the screen. */
  async function expectCappedShown(page: Page, view: View, shot: string): Promise<void> {
    const seen = await layout(page);
    const width = WIDTH[view.device];
    const where = JSON.stringify(view);
    const text = TEXT[view.lang];
    // The page no wider than the screen, at 200 % text too (the staff menu's longest Korean items
    // were wider than 375 px then: a menu item now wraps when it is longer than the line).
    expect(seen.pageWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(width);
    expect(seen.header[1], where).toBe(text.count);
    expect(Object.fromEntries(seen.rows.map((r) => [r.name, r.count])), where).toMatchObject({ [text.closed]: '2+', [text.rejected]: '2+', [text.withdrawn]: '1' });
    expect(seen.rows.filter((r) => r.count.endsWith('+')), where).toHaveLength(2);
    // Every count whole: the table needs no sideways scroll, and no count is cut off, broken or past the screen.
    expect(seen.wrap.scrollWidth, `${where}: the status table scrolls sideways`).toBeLessThanOrEqual(seen.wrap.clientWidth);
    for (const row of seen.rows) {
      expect(row.lines, `${where}: "${row.count}" broken across lines`).toBe(1);
      expect(row.clipped, `${where}: "${row.count}" cut off`).toBe(false);
      expect(row.box.right, `${where}: "${row.count}" past the table's edge`).toBeLessThanOrEqual(seen.wrap.right + 0.5);
      expect(row.box.right, `${where}: "${row.count}" past the screen`).toBeLessThanOrEqual(width);
    }
    // The line under the table: there, in this language, shown, not cut off, inside the screen, not in small print.
    expect(seen.note, `${where}: no line under the table`).not.toBeNull();
    const note = seen.note!;
    expect(note.text, where).toBe(text.note);
    expect(note.shown, `${where}: the line is hidden`).toBe(true);
    expect(note.clipped, `${where}: the line is cut off`).toBe(false);
    expect(note.box.left, where).toBeGreaterThanOrEqual(0);
    expect(note.box.right, `${where}: the line runs past the screen`).toBeLessThanOrEqual(width);
    expect(note.fontSize, where).toBeGreaterThanOrEqual(14);
    // axe runs on timers, which do not fire without JavaScript: a screenshot only then (the page has
    // no script of its own, so its document is the one axe checked in the other views).
    if (view.noScript) await screenshot(page, shot);
    else await expectAccessible(page, shot);
  }

  const shotName = (who: string, v: View) => `dashboard-capped-${who}-${v.device}-${v.lang}${v.care ? '-care' : ''}${v.noScript ? '-noscript' : ''}${v.bigText ? '-bigtext' : ''}`;

  it('a prefecture sees "2+" and the line under it, whole, on a phone and a desktop, in each language, in care mode and without JavaScript', async () => {
    const views: View[] = [
      { device: 'phone', lang: 'zh-CN' },
      { device: 'desktop', lang: 'zh-CN' },
      { device: 'phone', lang: 'ko' },
      { device: 'desktop', lang: 'ko' },
      { device: 'phone', lang: 'en' },
      { device: 'phone', lang: 'zh-CN', care: true },
      { device: 'phone', lang: 'ko', care: true },
      { device: 'phone', lang: 'zh-CN', noScript: true },
      { device: 'phone', lang: 'ko', noScript: true },
    ];
    for (const view of views) {
      const page = await dashboard('prefecture', view);
      await expectCappedShown(page, view, shotName('prefecture', view));
      await closePage(page);
    }
  });

  it("the province's the same, also with the browser's text at 200 % at 375 px", async () => {
    const views: View[] = [
      { device: 'phone', lang: 'zh-CN' },
      { device: 'desktop', lang: 'en' },
      { device: 'phone', lang: 'zh-CN', bigText: true },
      { device: 'phone', lang: 'ko', bigText: true },
    ];
    for (const view of views) {
      const page = await dashboard('province', view);
      await expectCappedShown(page, view, shotName('province', view));
      await closePage(page);
    }
  });

  it('a county sees the exact counts and no line under the table', async () => {
    for (const view of [{ device: 'phone', lang: 'zh-CN' }, { device: 'phone', lang: 'ko' }] as View[]) {
      const page = await dashboard('county', view);
      const seen = await layout(page);
      const text = TEXT[view.lang];
      expect(Object.fromEntries(seen.rows.map((r) => [r.name, r.count]))).toMatchObject({ [text.closed]: '3', [text.rejected]: '3', [text.withdrawn]: '1' });
      expect(seen.rows.filter((r) => r.count.includes('+'))).toEqual([]);
      expect(seen.note).toBeNull();
      expect(seen.notesInMain).toBe(0);
      expect(seen.pageWidth).toBeLessThanOrEqual(WIDTH.phone);
      await expectAccessible(page, shotName('county', view));
      await closePage(page);
    }
  });
});
