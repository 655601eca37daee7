// Issue 20 item 5: in care mode the header and its nine menu links were 758 px tall on a 375×667
// phone, so every page's title started below the first screen. The menu now sits behind one large
// 菜单 button (a native <details>, no script needed). On every public page, in normal and care mode,
// with and without JavaScript, the title is inside the first screen; the menu opens by touch and by
// keyboard, its links lead on, the current page is marked, and axe finds nothing serious. Desktop
// in normal mode keeps its open row of links.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, expectAccessible, newDesktopPage, newPhonePage, type Page } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/browser.js';

const PAGES = ['/', '/report', '/track', '/cases', '/ledger', '/stats', '/hotlines', '/policy', '/privacy'];

describeBrowser('the first screen shows the page title', () => {
  const site = useServerAndBrowser({ env: { SUNSHINE_DEMO_DATA: 'off' } });
  vi.setConfig({ testTimeout: 120_000 });

  const h1Top = (page: Page) =>
    page.evaluate(() => {
      const h1 = document.querySelector('main h1');
      return h1 ? h1.getBoundingClientRect().top : null;
    });
  /** Links of the header's menu that are displayed and take room. */
  const shownMenuLinks = (page: Page) =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLAnchorElement>('header nav[aria-label] a[href^="/"]:not([hreflang])'))
        // checkVisibility: a closed <details> hides its content with content-visibility, not display.
        .filter((a) => a.checkVisibility({ visibilityProperty: true }) && a.getBoundingClientRect().height > 0)
        .map((a) => a.getAttribute('href')),
    );

  for (const javaScriptEnabled of [true, false]) {
    for (const care of [false, true]) {
      it(`phone, ${care ? 'care' : 'normal'} mode, ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
        const page = await newPhonePage(site.browser, { javaScriptEnabled });
        if (care) await page.goto(site.url('/care/on?next=/'));
        const tops: Record<string, number | null> = {};
        for (const path of PAGES) {
          await page.goto(site.url(path));
          expect(await page.locator('body').getAttribute('class')).toContain(care ? 'care' : 'public');
          tops[path] = await h1Top(page);
        }
        console.log(`h1 top, phone, ${care ? 'care' : 'normal'}, JS ${javaScriptEnabled ? 'on' : 'off'}: ${JSON.stringify(tops)}`);
        for (const path of PAGES) {
          expect(tops[path], `${path}: h1 top`).not.toBeNull();
          expect(tops[path]!, `${path}: h1 top`).toBeLessThan(667);
        }

        // Closed: one 菜单 button, no menu link on screen; axe content.
        await page.goto(site.url('/report'));
        const button = page.locator('header summary');
        await expect.poll(() => button.count()).toBe(1);
        expect((await button.textContent())!.replace(/\s|☰/g, '')).toBe('菜单');
        const box = (await button.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(care ? 60 : 44);
        expect(box.width).toBeGreaterThanOrEqual(care ? 60 : 44);
        expect(await shownMenuLinks(page)).toEqual([]);
        if (javaScriptEnabled) await expectAccessible(page, `first-screen-${care ? 'care' : 'normal'}-closed`); // axe runs as a page script

        // Opened by touch: every link shown, the current page marked, axe content.
        await button.click();
        expect(await page.locator('header details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
        expect(await shownMenuLinks(page)).toEqual(['/report', '/track', '/disclosure', '/cases', '/ledger', '/stats', '/policy', '/hotlines', '/search']);
        expect(await page.locator('header details a[aria-current="page"]').getAttribute('href')).toBe('/report');
        if (javaScriptEnabled) await expectAccessible(page, `first-screen-${care ? 'care' : 'normal'}-open`); // axe runs as a page script
        await page.locator('header details a[href="/track"]').click();
        await page.waitForURL(site.url('/track'));
        expect(await page.locator('header details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);

        // Opened by keyboard: Tab to the button, Enter, Tab on to the first link.
        let onButton = false;
        for (let i = 0; i < 20 && !onButton; i++) {
          await page.keyboard.press('Tab');
          onButton = await page.evaluate(() => document.activeElement?.tagName === 'SUMMARY');
        }
        expect(onButton, 'the 菜单 button is reached with Tab').toBe(true);
        await page.keyboard.press('Enter');
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/report');
        await page.keyboard.press('Enter');
        await page.waitForURL(site.url('/report'));
        await closePage(page);
      });
    }
  }

  it('desktop: normal mode keeps the open row of links; care mode collapses it and shows the title', async () => {
    const page = await newDesktopPage(site.browser);
    await page.goto(site.url('/cases'));
    expect(await page.locator('header summary').isVisible()).toBe(false);
    expect(await shownMenuLinks(page)).toHaveLength(9);
    expect(await page.locator('header .wide-nav a[aria-current="page"]').getAttribute('href')).toBe('/cases');
    await expectAccessible(page);
    await page.goto(site.url('/care/on?next=/cases'));
    expect(await page.locator('header summary').isVisible()).toBe(true);
    expect(await shownMenuLinks(page)).toEqual([]);
    expect(await h1Top(page)).toBeLessThan(800);
    await closePage(page);
  });
});
