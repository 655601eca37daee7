// Issue 20 item 11: the report form's address is one line (autocomplete="address-line1"; the HTML
// checker refused "street-address", which is for multi-line fields), and the tracking page's
// file input offers the same formats as the report form's (it had no `accept`, so a phone's picker
// offered everything and the server refused what it cannot take). Both lists are the evidence
// module's ACCEPT_ATTRIBUTE; HEIC stays out of it so that Safari sends an iPhone photo as JPEG,
// whose location can be removed (test/evidence/media/sniff.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { ACCEPT_ATTRIBUTE } from '../../src/evidence/media/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, openForm } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** The attributes of the `<input>` with this id, unescaped. */
function inputAttributes(body: string, id: string): Record<string, string> {
  const tag = new RegExp(`<input[^>]*\\sid="${id}"[^>]*>`).exec(body)?.[0];
  expect(tag, `<input id="${id}">`).toBeDefined();
  return Object.fromEntries(Array.from(tag!.matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g), (m) => [m[1]!, html.unescape(m[2] ?? '')]));
}

describe('form attributes', () => {
  it('the report form: the address is one line, the file input lists the accepted formats', async () => {
    const res = await t.app.inject({ url: '/report' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('street-address');
    expect(inputAttributes(res.body, 'reporter_address').autocomplete).toBe('address-line1');
    const evidence = inputAttributes(res.body, 'evidence');
    expect(evidence.type).toBe('file');
    expect(evidence.accept).toBe(ACCEPT_ATTRIBUTE);
  });

  it('the tracking page: the file input offers the same formats as the report form', async () => {
    const filed = await fileReport(
      t.app.deps,
      {
        category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
        subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false,
        description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null,
      },
      [],
      { channel: 'online', nonce: null },
    );
    const form = await openForm(t.app, '/track');
    const signIn = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.21.0.1', payload: { _csrf: form.csrf, code: filed.queryCode } });
    expect(signIn.statusCode).toBe(303);
    const page = await t.app.inject({ url: '/track/report', cookies: cookiesFrom(signIn, form.cookies) });
    expect(page.statusCode).toBe(200);
    const evidence = inputAttributes(page.body, 'track-evidence');
    expect(evidence.type).toBe('file');
    expect(evidence.accept).toBe(ACCEPT_ATTRIBUTE);
    const reportForm = await t.app.inject({ url: '/report' });
    expect(evidence.accept).toBe(inputAttributes(reportForm.body, 'evidence').accept);
  });
});
