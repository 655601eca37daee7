// A report form sent again (same one-time nonce) from an address that has used up its filing
// allowance: the report exists, so the villager who pressed send again after a lost answer gets her
// receipt with the query code, and the repeat does not count against the allowance. The nonce rides
// in the form's action, so the refusal before the body is read can let such a post through; a new
// report over the allowance is still refused, whatever nonce the action carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { reports as reportsTable } from '../../src/reports/tables.js';
import { REPEAT_WINDOW_MS } from '../../src/reports/index.js';
import { testConfig } from '../../src/config.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { html, multipart, openForm, type FileField, type FormPage } from '../helpers/forms.js';
import { pdfField, photoField, reportFields } from './fixtures.js';

let t: TestApp;
const defaults = testConfig({ dataDir: '/nonexistent' }).abuse;
beforeAll(async () => {
  t = await makeApp({ abuse: { ...defaults, filingsPerAddress: 2, filingsWithFilesPerAddress: 1 } });
});
afterAll(() => t.close());

let address = 0;
/** A fresh client address: each test spends its own allowance. */
const nextAddress = () => `198.51.100.${++address}`;

/** The form's own action, as the browser posts it (with and without the script). */
const actionOf = (form: FormPage) => html.unescape(/<form method="post" action="([^"]+)"[^>]*id="report-form"/.exec(form.html)![1]!);

async function post(form: FormPage, ip: string, files: FileField[] = [], over: { url?: string; fields?: Record<string, string> } = {}) {
  const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id!, ...over.fields }, files);
  return t.app.inject({ method: 'POST', url: over.url ?? actionOf(form), cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: ip });
}

const codeOf = (page: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(page)?.[1];
const reports = async () => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;

describe('the same form sent again over the address\'s filing allowance', () => {
  it('carries its nonce in the form\'s action, readable before the body', async () => {
    const form = await openForm(t.app, '/report');
    expect(actionOf(form)).toBe(`/report?_csrf=${form.csrf}&submission=${form.hidden.submission_id}`);
  });

  it('gets its receipt with the same query code back; a new report is still refused', async () => {
    const ip = nextAddress();
    const first = await openForm(t.app, '/report');
    const filed = await post(first, ip);
    expect(filed.statusCode).toBe(200);
    const code = codeOf(filed.body)!;
    expect(code).toBeDefined();
    const other = await openForm(t.app, '/report');
    expect((await post(other, ip)).statusCode).toBe(200);
    const before = await reports();
    // The allowance (2) is spent. The first form's answer was lost; send is pressed again.
    const again = await post(first, ip);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(code);
    expect(again.body).toContain('没有重复提交');
    expect(await reports()).toBe(before);
    // A brand-new report from this address is refused, before its body is read…
    const fresh = await openForm(t.app, '/report');
    const refused = await post(fresh, ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // …and also when its action carries a filed form's nonce and its body a new one.
    const disguised = await post(fresh, ip, [], { url: `/report?_csrf=${encodeURIComponent(fresh.csrf)}&submission=${first.hidden.submission_id}` });
    expect(disguised.statusCode).toBe(429);
    expect(codeOf(disguised.body)).toBeUndefined();
    expect(await reports()).toBe(before);
  });

  it('does not count against the allowance', async () => {
    const ip = nextAddress();
    const first = await openForm(t.app, '/report');
    const code = codeOf((await post(first, ip)).body)!;
    for (let i = 0; i < 3; i++) expect(codeOf((await post(first, ip)).body)).toBe(code);
    // One filing counted so far: one more new report may be filed, then none.
    expect((await post(await openForm(t.app, '/report'), ip)).statusCode).toBe(200);
    expect((await post(await openForm(t.app, '/report'), ip)).statusCode).toBe(429);
  });

  it('brings its files as the receipt lists them, those over the address\'s file allowance named as not received', async () => {
    const ip = nextAddress();
    const first = await openForm(t.app, '/report');
    const filed = await post(first, ip, [photoField()]);
    const code = codeOf(filed.body)!;
    expect((await post(await openForm(t.app, '/report'), ip)).statusCode).toBe(200);
    // Both allowances spent (filings 2, filings with files 1): the receipt still comes back.
    const again = await post(first, ip, [photoField(), pdfField()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(code);
    const notReceived = /aria-labelledby="not-received-title">([\s\S]*?)<\/section>/.exec(again.body)?.[1] ?? '';
    expect(notReceived).toContain('公示名单.pdf');
  });

  it('past the repeat window, counts as any post does', async () => {
    const ip = nextAddress();
    const first = await openForm(t.app, '/report');
    expect((await post(first, ip)).statusCode).toBe(200);
    const id = (await t.app.db.get<{ id: number }>(sql`select max(id) as id from reports`))!.id;
    expect((await post(await openForm(t.app, '/report'), ip)).statusCode).toBe(200);
    await t.app.db.update(reportsTable).set({ receivedAt: Date.now() - REPEAT_WINDOW_MS - 60_000 }).where(eq(reportsTable.id, id)).run();
    const late = await post(first, ip);
    expect(late.statusCode).toBe(429);
  });

  it('works in Korean and English too', async () => {
    for (const [lang, words] of [['ko', '조회코드'], ['en', 'query code']] as const) {
      const ip = nextAddress();
      const first = await openForm(t.app, '/report', { lang });
      const code = codeOf((await post(first, ip)).body)!;
      expect((await post(await openForm(t.app, '/report', { lang }), ip)).statusCode).toBe(200);
      const again = await post(first, ip);
      expect(again.statusCode).toBe(200);
      expect(codeOf(again.body)).toBe(code);
      expect(again.body).toContain(words);
    }
  });
});
