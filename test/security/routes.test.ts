// The route table itself drives these checks, so a route added later is covered automatically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeApp, type TestApp } from '../helpers/app.js';
import { tableNames } from '../helpers/db-tables.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { fileReport } from '../../src/reports/index.js';
import { ROLES } from '../../src/users/index.js';

let t: TestApp;
let reportId: number;
let caseNo: string;

/** Display preferences are the one allowed GET that sets state (DESIGN.md §6). */
const PREFERENCE_GETS = new Set(['/lang/:locale', '/care/:state']);

function fill(url: string, id: number): string {
  return url
    .replace(/\*$/, 'x')
    .replace(/:locale/, 'en')
    .replace(/:state/, 'on')
    .replace(/:action/, 'accept')
    .replace(/:code/, '220102')
    .replace(/:slug/, 'x')
    .replace(/:[A-Za-z]+/g, String(id));
}

beforeAll(async () => {
  t = await makeApp();
  const filed = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: { name: '李秀兰', phone: '13904310000', email: '', address: '' } },
    [],
    { channel: 'online', nonce: null },
  );
  reportId = filed.report.id;
  caseNo = filed.report.caseNo;
});
afterAll(() => t.close());

const stateChanging = () => t.app.routeList.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));

describe('the route table', () => {
  it('has state-changing routes only as POST (or other non-GET verbs)', () => {
    expect(stateChanging().length).toBeGreaterThan(20);
  });

  it('refuses every state-changing route without a valid CSRF token, signed in or not', async () => {
    const admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', [...ROLES]));
    for (const route of stateChanging()) {
      const url = fill(route.url, reportId);
      // The exchange API (src/exchange) takes a partner's signature instead of a session and token:
      // without one it is refused before its body is read, 401 as for any unauthenticated API call.
      const refused = route.url.startsWith('/api/v1/') ? 401 : 403;
      const anonymous = await t.app.inject({ method: route.method as 'POST', url, payload: { any: 'thing' } });
      expect(anonymous.statusCode, `${route.method} ${route.url} without session`).toBe(refused);
      const signedIn = await t.app.inject({ method: route.method as 'POST', url, cookies: admin.jar, payload: { _csrf: 'forged-token' } });
      expect(signedIn.statusCode, `${route.method} ${route.url} with a forged token`).toBe(refused);
    }
  });

  it('changes no data on any GET except the display-preference links', async () => {
    const admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', [...ROLES]));
    const county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead', 'supervisor', 'custodian']));
    const skipped = ['sessions', 'audit_log', 'notifications', '__drizzle_migrations'];
    const tables = (await tableNames(t.app.db)).filter((name) => !name.startsWith('sqlite_') && !name.startsWith('search_index') && !skipped.includes(name));
    // Each table's rows sorted as text: PostgreSQL has no rowid to order them by.
    const snapshot = async () => {
      const parts: string[] = [];
      for (const name of tables) parts.push(`${name}:${JSON.stringify((await t.app.db.all(sql.raw(`select * from "${name}"`))).map((row) => JSON.stringify(row)).sort())}`);
      return parts.join('\n');
    };
    const before = await snapshot();
    for (const route of t.app.routeList.filter((r) => r.method === 'GET' && !PREFERENCE_GETS.has(r.url))) {
      for (const session of [admin, county]) {
        const res = await t.app.inject({ url: fill(route.url, reportId), cookies: session.jar });
        expect(res.statusCode, `GET ${route.url}`).toBeLessThan(500);
      }
    }
    expect(await snapshot()).toBe(before);
    // It walks every GET route twice (exports and documents included): its time grows with the route table.
  }, 120_000);
});

describe('every staff route against a user of another region', () => {
  it('answers 404 or 403 for the county-A report, never its data, for every role', async () => {
    for (const role of ROLES) {
      const outsider: Session = await signIn(t.app, await createStaff(t.app, 'ca:220103', [role]));
      for (const route of t.app.routeList.filter((r) => r.url.startsWith('/staff/reports/:id'))) {
        const url = fill(route.url, reportId);
        const res = route.method === 'GET' ? await outsider.get(url) : await outsider.post(url, { reason: 'xxxxxxxx', body: 'xxxxxxxx', opinion: 'xxxxxxxxxxxx' });
        expect([403, 404], `${role} ${route.method} ${route.url}`).toContain(res.statusCode);
        expect(res.body).not.toContain('五百块钱');
      }
      const list = await outsider.get('/staff/reports');
      expect(list.body).not.toContain(caseNo);
    }
    // Every report route for every role: its time grows with the route table.
  }, 120_000);
});
