// Care mode (长辈模式, issue 8) measured in Chromium: computed font size, line height, contrast and
// tap-target sizes on the home page, the report form (and its texts box at 375 px) and a public recipient list; the switch
// persists across pages; axe finds nothing serious in either mode; a report can be filed with the
// keyboard alone.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newPhonePage, screenshot, type Page } from '../helpers/browser.js';
import { useDemoSite } from './demo-accounts.js';

describeBrowser('care mode and keyboard use', () => {
  const site = useDemoSite();
  const { url } = site;
  vi.setConfig({ testTimeout: 90_000 });

  /** Measures every visible text element, link and button of the main content and header. */
  async function measure(page: Page) {
    return page.evaluate(() => {
      function luminance(rgb: number[]) {
        const [r, g, b] = rgb.map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      }
      const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number).slice(0, 3);
      function background(el: Element | null): number[] {
        for (let e = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          const parts = (bg.match(/[\d.]+/g) ?? []).map(Number);
          if (parts.length >= 3 && (parts.length === 3 || parts[3]! > 0)) return parts.slice(0, 3);
        }
        return [255, 255, 255];
      }
      const texts: { tag: string; text: string; size: number; lineHeight: number; contrast: number }[] = [];
      const targets: { tag: string; text: string; width: number; height: number }[] = [];
      for (const el of Array.from(document.querySelectorAll('main p, main li, main label, main td, main a, main button, header a, main h1, main h2, main legend, main dd, main dt'))) {
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        if (style.visibility === 'hidden' || style.display === 'none' || rect.width === 0 || !el.textContent?.trim()) continue;
        const size = parseFloat(style.fontSize);
        const lh = style.lineHeight === 'normal' ? size * 1.2 : parseFloat(style.lineHeight);
        const l1 = luminance(parse(style.color));
        const l2 = luminance(background(el));
        texts.push({ tag: el.tagName, text: el.textContent.trim().slice(0, 20), size, lineHeight: lh / size, contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) });
        if (el.tagName === 'A' || el.tagName === 'BUTTON') targets.push({ tag: el.tagName, text: el.textContent.trim().slice(0, 20), width: rect.width, height: rect.height });
      }
      return { texts, targets };
    });
  }

  async function checkCare(page: Page, path: string, shot: string) {
    await page.goto(url(path));
    expect(await page.locator('body').getAttribute('class')).toContain('care');
    const { texts, targets } = await measure(page);
    expect(texts.length).toBeGreaterThan(5);
    for (const t of texts) {
      expect(t.size, `${t.tag} "${t.text}" font size`).toBeGreaterThanOrEqual(24);
      expect(t.lineHeight, `${t.tag} "${t.text}" line height`).toBeGreaterThanOrEqual(1.3);
      expect(t.contrast, `${t.tag} "${t.text}" contrast`).toBeGreaterThanOrEqual(4.5);
    }
    for (const target of targets) {
      expect(target.height, `${target.tag} "${target.text}" height`).toBeGreaterThanOrEqual(60);
      expect(target.width, `${target.tag} "${target.text}" width`).toBeGreaterThanOrEqual(60);
    }
    await expectAccessible(page, shot);
  }

  it('meets the 适老化 numbers on the home page, the report form and a recipient list, and persists', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(url('/'));
    await page.getByRole('link', { name: '长辈模式' }).click();
    await page.waitForURL(url('/'));
    await checkCare(page, '/', 'care-home');
    await checkCare(page, '/report', 'care-report');
    // The texts box under the one phone field (issue 24 review), at 375 px in care mode: a large
    // tick target in a full-height row, its hint saying what the texts hold, nothing wider than the screen.
    const sms = await page.evaluate(() => {
      const box = document.querySelector<HTMLInputElement>('#reporter_sms')!;
      const rect = box.getBoundingClientRect();
      const row = box.closest('label')!.getBoundingClientRect();
      const phone = document.getElementById('reporter_phone')!;
      return {
        box: { width: rect.width, height: rect.height },
        row: { height: row.height, right: row.right },
        belowPhone: phone.getBoundingClientRect().bottom <= rect.top,
        hint: document.getElementById('reporter_sms-hint')!.textContent,
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      };
    });
    expect(sms.viewport).toBe(375);
    expect(sms.box.width).toBeGreaterThanOrEqual(36);
    expect(sms.box.height).toBeGreaterThanOrEqual(36);
    expect(sms.row.height).toBeGreaterThanOrEqual(60);
    expect(sms.row.right).toBeLessThanOrEqual(375);
    expect(sms.pageWidth).toBeLessThanOrEqual(375);
    expect(sms.belowPhone).toBe(true);
    expect(sms.hint).toContain('只有举报编号和办理进度');
    const village = await page.evaluate(async () => {
      const res = await fetch('/disclosure');
      const html = await res.text();
      return /href="(\/disclosure\/villages\/\d+)"/.exec(html)?.[1] ?? null;
    });
    if (village) await checkCare(page, village, 'care-roster');
    // Leaving care mode returns to the normal page, which passes axe too.
    await page.getByRole('link', { name: '退出长辈模式' }).click();
    expect(await page.locator('body').getAttribute('class')).not.toContain('care');
    await expectAccessible(page);
    await closePage(page);
  });

  it('files a report with the keyboard alone', async () => {
    const page = await newPhonePage(site.browser);
    await page.goto(url('/report'));
    const focusAndType = async (selector: string, text: string) => {
      for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) break;
      }
      await page.keyboard.type(text);
    };
    // Category: Tab to the first radio, arrow keys move within the group.
    await focusAndType('input[name="category"]', '');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    // A closed select moves to the next option with the arrow key: the first entries are 长春市,
    // 南关区 and 南岭街道; each change loads the next level.
    for (const [selector, next] of [['#prefecture', '#county option[value="220102"]'], ['#county', '#township option[value="220102001"]'], ['#township', '#village option:nth-child(3)']] as const) {
      await focusAndType(selector, '');
      await page.keyboard.press('ArrowDown');
      await page.waitForSelector(next, { state: 'attached', timeout: 10_000 });
    }
    await focusAndType('#village', '');
    await page.keyboard.press('ArrowDown');
    await focusAndType('#description', '村干部把低保给了自己家亲戚，他们家条件很好，大家都有意见。');
    // Tab on to the submit button and press Enter.
    await focusAndType('button[type="submit"]:not([name])', '');
    await page.keyboard.press('Enter');
    await page.waitForLoadState('load');
    const problems = await page.locator('.error-summary').textContent().catch(() => null);
    expect(problems, 'the form came back with errors').toBeNull();
    await page.waitForSelector('#query-code', { timeout: 20_000 });
    expect((await page.locator('#query-code').textContent())!.trim()).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    await screenshot(page, 'keyboard-filed');
    await closePage(page);
  });
});
