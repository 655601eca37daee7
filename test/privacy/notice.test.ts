// The notice of processing (issue 15, defect 6; PIPL arts. 17, 28, 35): in short on the report form
// and the tracking pages, in full at /privacy with the periods of the schedule in force, in each of
// the three languages, as plain HTML that needs no script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { translate } from '../../src/i18n/translate.js';
import { LOCALES, type Locale } from '../../src/config.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';

const SCHEDULE = { identityDays: 123, evidenceDays: 456, declarationYears: 5 };
let t: TestApp;
let trackJar: Record<string, string>;

beforeAll(async () => {
  t = await makeApp({ retention: SCHEDULE });
  const filed = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计办低保要手续费。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.2.2.2', payload: { _csrf: form.csrf, code: filed.queryCode } });
  trackJar = cookiesFrom(res, form.cookies);
});
afterAll(() => t.close());

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');
const say = (locale: Locale, key: string, params: Record<string, unknown> = {}) => esc(translate(locale, key, params));

async function page(url: string, locale: Locale, jar: Record<string, string> = {}) {
  const res = await t.app.inject({ url, cookies: { ...jar, lang: locale } });
  expect(res.statusCode, url).toBe(200);
  return res.body;
}

/** The short notice's markup, which must stand on its own: no script, nothing hidden for a script to reveal. */
function shortNotice(html: string): string {
  const match = /<aside class="notice privacy-notice"[\s\S]*?<\/aside>/.exec(html);
  expect(match, 'short notice').not.toBeNull();
  const aside = match![0];
  expect(aside).not.toMatch(/<script|<noscript|\shidden|display:\s*none|js-/);
  return aside;
}

describe.each(LOCALES.map((l) => [l]))('in %s', (locale) => {
  it.each([['/report'], ['/track'], ['/track/report']])('%s carries the short notice with a link to /privacy', async (url) => {
    const aside = shortNotice(await page(url, locale, url === '/track/report' ? trackJar : {}));
    for (const key of ['privacy.short.title', 'privacy.short.body', 'privacy.short.sensitive', 'privacy.short.rights']) expect(aside, key).toContain(say(locale, key));
    expect(aside).toContain(`<a href="/privacy">${say(locale, 'privacy.short.link')}</a>`);
  });

  it('the short notice on the form comes before the submit button', async () => {
    const html = await page('/report', locale);
    expect(html.indexOf('privacy-notice')).toBeGreaterThan(html.indexOf('id="evidence"'));
    expect(html.indexOf('privacy-notice')).toBeLessThan(html.indexOf('id="field-submit"'));
  });

  it('/privacy states who, why, the legal basis, the periods in force and the rights', async () => {
    const html = await page('/privacy', locale);
    expect(html).not.toMatch(/<script(?![^>]*src="\/static\/)/);
    for (const key of ['who.body', 'who.basis', 'why.body', 'what.identity', 'sensitive.body', 'how_long.review', 'how_long.receipt', 'rights.know', 'rights.see', 'rights.correct', 'rights.withdraw', 'rights.no_erase']) {
      expect(html, key).toContain(say(locale, `privacy.${key}`));
    }
    expect(html).toContain(say(locale, 'privacy.how_long.identity', { days: 123 }));
    expect(html).toContain(say(locale, 'privacy.how_long.evidence', { days: 456 }));
    expect(html).not.toContain(say(locale, 'privacy.how_long.unset'));
  });
});

it('every locale says the periods with the configured numbers, and the basis is the statutory duty', () => {
  expect(translate('zh-CN', 'privacy.how_long.identity', { days: 123 })).toContain('123 天');
  expect(translate('ko', 'privacy.how_long.identity', { days: 123 })).toContain('123일');
  expect(translate('en', 'privacy.how_long.identity', { days: 123 })).toContain('123 days');
  expect(translate('zh-CN', 'privacy.who.basis')).toContain('第十三条第一款第三项');
});

describe('without a schedule in force', () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await makeApp({ retention: null });
  });
  afterAll(() => bare.close());

  it('/privacy names the archive rules instead of inventing numbers', async () => {
    const res = await bare.app.inject({ url: '/privacy', cookies: { lang: 'zh-CN' } });
    expect(res.body).toContain(say('zh-CN', 'privacy.how_long.unset'));
    expect(res.body).not.toContain(esc(translate('zh-CN', 'privacy.how_long.identity', { days: 365 })));
  });
});

it('every public page links the full notice from its footer', async () => {
  for (const url of ['/', '/hotlines', '/privacy']) {
    const res = await t.app.inject({ url, cookies: { lang: 'en' } });
    expect(/<footer[\s\S]*<a href="\/privacy">How your personal information is handled<\/a>[\s\S]*<\/footer>/.test(res.body), url).toBe(true);
  }
});
