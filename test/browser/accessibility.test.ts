// First accessibility checks in real Chromium: the home page, the 404 page, the three languages and
// care mode, at phone (WeChat) and desktop sizes. Axe must find nothing serious or critical; every
// page has the right html lang, one main landmark and a skip link that moves focus to it; the
// language and care links return to the page they were clicked on; care mode keeps the sizes
// static/css/care.css promises.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  closePage,
  describeBrowser,
  expectAccessible,
  newDesktopPage,
  newPhonePage,
  screenshot,
  useServerAndBrowser,
  type Page,
} from '../helpers/browser.js';

const DEVICES = [
  { name: 'phone', open: newPhonePage },
  { name: 'desktop', open: newDesktopPage },
] as const;

describeBrowser('accessibility of the public pages', () => {
  const site = useServerAndBrowser({ env: { SUNSHINE_DEMO_DATA: 'off' } });
  const { url } = site;

  /** Path and query of the page's current URL. */
  const here = (page: Page) => {
    const u = new URL(page.url());
    return u.pathname + u.search;
  };

  /** lang, landmark, screenshot and axe, then the skip link by keyboard (last: it moves focus). */
  async function checkPage(page: Page, lang: string, shot: string): Promise<void> {
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await expect.poll(() => page.getByRole('main').count()).toBe(1);
    await expectAccessible(page, shot);

    await page.keyboard.press('Tab');
    const skip = page.locator('a.skip-link');
    expect(await skip.evaluate((el) => el === document.activeElement), 'first Tab focuses the skip link').toBe(true);
    expect(await skip.getAttribute('href')).toBe('#main');
    const box = await skip.boundingBox();
    expect(box, 'the focused skip link is on screen').not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? null), { timeout: 2000 }).toBe('main');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
  }

  /** Clicks the header link for `locale` and waits for the page to come back in that language. */
  async function switchLanguage(page: Page, locale: string): Promise<void> {
    const before = here(page);
    const link = page.locator(`nav.langs a[hreflang="${locale}"]`);
    expect(await link.getAttribute('href')).toBe(`/lang/${locale}?next=${encodeURIComponent(before)}`);
    await link.click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
    await page.waitForLoadState('load');
    expect(here(page), 'the language link returns to the same page').toBe(before);
    // The chosen language is shown as current, not as a link.
    await expect.poll(() => page.locator(`nav.langs [aria-current="true"][lang="${locale}"]`).count()).toBe(1);
  }

  for (const device of DEVICES) {
    describe(device.name, () => {
      // One page per device, cookies cleared before each test: a renderer that stays up keeps
      // axe-core's compiled code, which makes each check several times faster than a fresh page.
      let page: Page;
      beforeAll(async () => {
        page = await device.open(site.browser);
      });
      afterAll(async () => {
        if (page) await closePage(page);
      });
      beforeEach(async () => {
        await page.context().clearCookies();
      });

      it('home page in Chinese', async () => {
        const response = await page.goto(url('/'));
        expect(response?.status()).toBe(200);
        await checkPage(page, 'zh-CN', `${device.name}-home-zh-CN`);
      });

      it('404 page, and its language link returns to it', async () => {
        const response = await page.goto(url('/no-such-page?from=test'));
        expect(response?.status()).toBe(404);
        await checkPage(page, 'zh-CN', `${device.name}-404-zh-CN`);
        await switchLanguage(page, 'en');
        expect(await page.locator('h1').count()).toBe(1);
        await screenshot(page, `${device.name}-404-en`);
      });

      for (const locale of ['ko', 'en']) {
        it(`home page in ${locale} through the language link`, async () => {
          await page.goto(url('/'));
          await switchLanguage(page, locale);
          await checkPage(page, locale, `${device.name}-home-${locale}`);
        });
      }

      it('home page in care mode through the care link', async () => {
        await page.goto(url('/'));
        const link = page.locator('a.care-switch');
        expect(await link.getAttribute('href')).toBe('/care/on?next=%2F');
        await link.click();
        await expect.poll(() => page.locator('body').getAttribute('class')).toContain('care');
        await page.waitForLoadState('load');
        expect(here(page), 'the care link returns to the same page').toBe('/');
        expect(await page.locator('link[rel="stylesheet"][href$="/care.css"]').count()).toBe(1);
        await checkPage(page, 'zh-CN', `${device.name}-home-care`);
      });

      // Korean is written with spaces between words; a line may break only there (대기, not 대/기),
      // unless a word is longer than the line. At 200 % text on a phone nothing may scroll sideways.
      it('Korean text breaks between words, and no page scrolls sideways at 200 % text', async () => {
        await page.context().addCookies([{ name: 'lang', value: 'ko', url: url('/') }]);
        for (const path of ['/', '/report', '/track', '/cases', '/stats', '/hotlines']) {
          await page.goto(url(path));
          expect(await page.locator('html').getAttribute('lang')).toBe('ko');
          await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
          const seen = await page.evaluate(() => {
            const hangul = /[\uac00-\ud7a3]/;
            const broken: string[] = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const text = node.textContent ?? '';
              const el = node.parentElement;
              if (!el || !hangul.test(text) || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
              const range = document.createRange();
              let lastTop: number | null = null;
              for (let i = 0; i < text.length; i++) {
                if (/\s/.test(text[i]!)) continue;
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getClientRects()[0];
                if (!rect) continue;
                // A new line starting between two Hangul syllables of one word that would fit on a line.
                if (lastTop !== null && rect.top > lastTop + 2 && i > 0 && hangul.test(text[i - 1]!) && hangul.test(text[i]!)) {
                  let start = i;
                  let end = i;
                  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
                  while (end < text.length && !/\s/.test(text[end]!)) end++;
                  range.setStart(node, start);
                  range.setEnd(node, end);
                  const wordWidth = [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0);
                  const block = el.closest('p, li, td, th, label, a, button, h1, h2, h3, div') ?? el;
                  if (wordWidth < block.getBoundingClientRect().width - 4) broken.push(text.slice(start, end));
                }
                lastTop = rect.top;
              }
            }
            return { broken, pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth };
          });
          expect.soft(seen.broken, `Korean words broken across lines on ${path} (${device.name})`).toEqual([]);
          expect.soft(seen.pageWidth, `${path} scrolls sideways at 200 % text (${device.name})`).toBeLessThanOrEqual(seen.viewport);
        }
      });

      // care.css promises (MIIT 2021 适老化): main text ≥ 18pt (24px), tap targets ≥ 60×60 px.
      it('care mode keeps every text at least 24px and every target at least 60×60 px', async () => {
        for (const path of ['/', '/no-such-page']) {
          await page.goto(url(`/care/on?next=${encodeURIComponent(path)}`));
          expect(await page.locator('body.care').count()).toBe(1);
          const small = await page.evaluate(() => {
            const found: string[] = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const el = node.parentElement;
              const text = node.textContent?.trim();
              if (!el || !text || el.closest('.skip-link') || el.getClientRects().length === 0) continue;
              const size = parseFloat(getComputedStyle(el).fontSize);
              if (size < 24) found.push(`${size}px <${el.tagName.toLowerCase()} class="${el.className}"> ${text.slice(0, 20)}`);
            }
            return found;
          });
          expect.soft(small, `text under 24px in care mode on ${path}`).toEqual([]);
          const tiny = await page.evaluate(() =>
            [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, summary')]
              .filter((el) => !el.classList.contains('skip-link') && el.getClientRects().length > 0)
              .map((el) => ({ el, box: el.getBoundingClientRect() }))
              .filter(({ box }) => box.width < 60 || box.height < 60)
              .map(({ el, box }) => `${Math.round(box.width)}×${Math.round(box.height)} <${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent?.trim().slice(0, 20)}`),
          );
          expect.soft(tiny, `targets under 60×60 px in care mode on ${path}`).toEqual([]);
        }
      });
    });
  }
});
