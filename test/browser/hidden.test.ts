// Issue 20 defect 2: site CSS (`button{display:inline-block}`, `.hint{display:block}` …) overrode
// the `hidden` attribute, so "朗读本页" showed and did nothing where speech synthesis is missing, and
// both recording buttons showed before recording and without JavaScript. On every public page, in
// normal and care mode, with and without JavaScript and speech synthesis, no element with `hidden`
// takes any room on the screen.
import { expect, it, vi } from 'vitest';
import { closePage, describeBrowser, newDesktopPage, newPhonePage, type Page } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/browser.js';

const PAGES = ['/', '/report', '/track', '/cases', '/ledger', '/stats', '/hotlines', '/policy', '/privacy', '/search?q=%E4%BD%8E%E4%BF%9D'];

describeBrowser('the hidden attribute hides', () => {
  const site = useServerAndBrowser({ env: { SUNSHINE_DEMO_DATA: 'off' } });
  vi.setConfig({ testTimeout: 120_000 });

  /** Elements carrying `hidden` (or inside one) that are displayed or take room. */
  const shownHidden = (page: Page) =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('[hidden]'))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return getComputedStyle(el).display !== 'none' || r.width > 0 || r.height > 0;
        })
        .map((el) => el.outerHTML.slice(0, 100)),
    );

  for (const javaScriptEnabled of [true, false]) {
    for (const care of [false, true]) {
      it(`${javaScriptEnabled ? 'with' : 'without'} JavaScript, ${care ? 'care' : 'normal'} mode, no speech synthesis`, async () => {
        const phone = await newPhonePage(site.browser, { javaScriptEnabled });
        const desktop = await newDesktopPage(site.browser, { javaScriptEnabled });
        const problems: string[] = [];
        for (const page of [phone, desktop]) {
          // A cheap phone's browser without speech synthesis: the read-aloud button must stay hidden.
          await page.addInitScript(() => {
            delete (window as { speechSynthesis?: unknown }).speechSynthesis;
            delete (window as { SpeechSynthesisUtterance?: unknown }).SpeechSynthesisUtterance;
          });
          if (care) await page.goto(site.url('/care/on?next=/'));
          for (const path of PAGES) {
            await page.goto(site.url(path));
            for (const html of await shownHidden(page)) problems.push(`${path}: ${html}`);
          }
        }
        expect(problems).toEqual([]);
        await closePage(phone);
        await closePage(desktop);
      });
    }
  }
});
