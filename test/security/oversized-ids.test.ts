// Issue 21: ids are 4-byte integers on PostgreSQL, so a number above 2147483647 that reaches a query
// there is an "integer out of range" error — a 500 page where SQLite simply finds nothing. Any link
// or form can carry such a number (an edited link, a hand-made form), so the route table itself
// drives these checks: every route with a parameter, the common query parameters and the id fields
// of the forms, each given numbers just and far beyond the limit, anonymously and signed in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { multipart, openForm } from '../helpers/forms.js';
import { fileReportIn } from '../helpers/reports.js';
import { fileReport } from '../../src/reports/index.js';
import { ADMIN_DUTIES, WORK_ROLES } from '../../src/users/index.js';
import { reportFields } from '../reports/fixtures.js';
import { suiteDatabaseUrl } from '../helpers/pg-databases.js';

/** Just above the largest 4-byte integer, and a 10-digit number far above it (still a safe integer). */
const OVERSIZED = ['2147483648', '99999999999'];
/**
 * The route walks use the boundary alone: every value above PostgreSQL's integer fails there the
 * same way, and walking every route as five users twice doubled the suite's longest file.
 */
const WALKED = ['2147483648'];
/** Query parameters the list pages read as ids, keyset cursors or pages. */
const QUERY_KEYS = ['after', 'before', 'page', 'unit', 'actor', 'object_id', 'region', 'ids', 'objection', 'year', 'task', 'report', 'template'];
/** Form fields that carry an id. */
const BODY_ID_FIELDS = ['unit_id', 'assignee_id', 'department_id', 'body_id', 'file', 'ids', 'objection', 'report_id', 'declarant_id', 'object_id', 'unit', 'to', 'request', 'up_to', 'template'];
/** Posting these would end the session the walk runs in. */
const SESSION_ENDING = /^\/(staff\/login|staff\/logout|track\/signout)/;

let t: TestApp;
let reportId: number;
let sessions: { name: string; session: Session | null }[];

/** A route's URL with each parameter filled by a value that fits it, and `oversized` in `only` (or all of them). */
function fill(url: string, oversized: string, only?: string): string {
  const usual: Record<string, string> = { locale: 'en', state: 'on', action: 'accept', code: '220102', slug: 'x', kind: 'answer', date: '2026-01-01', year: '2026', workOrderNo: 'GD2026000001' };
  return url.replace(/\*$/, 'x').replace(/:([A-Za-z]+)/g, (_, name: string) => (only === undefined || only === name ? oversized : (usual[name] ?? String(reportId))));
}

/** A 401 or 403, or a redirect to a sign-in page: the user was refused before the page read its query. */
function refusedBeforeReading(res: { statusCode: number; headers: Record<string, unknown> }): boolean {
  if (res.statusCode === 401 || res.statusCode === 403) return true;
  const location = String(res.headers.location ?? '');
  return res.statusCode >= 300 && res.statusCode < 400 && /^\/(staff\/login|track)(\?|$)/.test(location);
}

const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

beforeAll(async () => {
  t = await makeApp();
  const filed = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
  reportId = filed.report.id;
  sessions = [
    { name: 'anonymous', session: null },
    // Work roles and administrator duties are never held together: one account of each, both at the province.
    { name: 'province staff', session: await signIn(t.app, await createStaff(t.app, 'ca:220000', [...WORK_ROLES])) },
    { name: 'province administrator', session: await signIn(t.app, await createStaff(t.app, 'ca:220000', [...ADMIN_DUTIES])) },
    { name: 'inspector', session: await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector'])) },
    { name: 'department', session: await signIn(t.app, await createStaff(t.app, 'dept:220102:police', ['handler', 'lead'])) },
  ];
}, 60_000);
afterAll(() => t.close());

const getRoutes = () => t.app.routeList.filter((r) => r.method === 'GET');

/**
 * The three route walks (thousands of requests, the suite's longest file) run on PostgreSQL only:
 * only there is an id a 4-byte integer; on SQLite such a number is an ordinary id that finds nothing,
 * and the handlers it would reach are the same ones the PostgreSQL run walks.
 */
const walk = suiteDatabaseUrl ? it : it.skip;

describe('an id beyond the 4-byte integer range', () => {
  walk('in a GET route parameter answers 404, 400, 403 or a redirect, never 500', async () => {
    const failures: string[] = [];
    for (const route of getRoutes().filter((r) => r.url.includes(':'))) {
      for (const value of WALKED) {
        for (const only of [undefined, ...paramsOf(route.url)]) {
          const url = fill(route.url, value, only);
          for (const { name, session } of sessions) {
            const res = await t.app.inject({ url, cookies: session?.jar ?? {} });
            if (res.statusCode >= 500) failures.push(`${name} GET ${url} (${route.url}): ${res.statusCode}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  walk('in a query parameter of any GET page answers without a 500', async () => {
    const failures: string[] = [];
    const signedIn = sessions.filter((s) => s.name.startsWith('province'));
    for (const route of getRoutes()) {
      const base = fill(route.url, '', 'none');
      // Each parameter alone just above the limit (a check of at most 10 digits lets it through), and all of them far above it.
      const queries = [...QUERY_KEYS.map((k) => `${k}=${OVERSIZED[0]}`), QUERY_KEYS.map((k) => `${k}=${OVERSIZED[1]}`).join('&')];
      // The typical cases' cursor is a quarter and an id.
      if (route.url === '/cases') queries.push(...OVERSIZED.map((v) => `after=2026Q1-${v}`));
      for (const { name, session } of [sessions[0]!, ...signedIn]) {
        // A page this user is sent away from before it reads anything (the sign-in page, a 403) is
        // sent away whatever the query: its thirteen variants would only walk the refusal again.
        const plain = await t.app.inject({ url: base, cookies: session?.jar ?? {} });
        if (plain.statusCode >= 500) failures.push(`${name} GET ${base}: ${plain.statusCode}`);
        if (refusedBeforeReading(plain)) continue;
        for (const query of queries) {
          const url = `${base}?${query}`;
          const res = await t.app.inject({ url, cookies: session?.jar ?? {} });
          if (res.statusCode >= 500) failures.push(`${name} GET ${url}: ${res.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  walk('in a POST route parameter or an id field of its form answers 4xx or a redirect, never 500', async () => {
    const failures: string[] = [];
    for (const route of t.app.routeList.filter((r) => r.method === 'POST' && !SESSION_ENDING.test(r.url) && !r.url.startsWith('/api/'))) {
      for (const value of WALKED) {
        const fields = Object.fromEntries(BODY_ID_FIELDS.map((k) => [k, value]));
        // With every parameter oversized, and (for a report's routes) on a real report with only the form's ids oversized.
        const urls = [fill(route.url, value), ...(route.url.startsWith('/staff/reports/:id/') ? [fill(route.url, value, 'none')] : [])];
        for (const url of urls) {
          for (const { name, session } of sessions.filter((s) => s.session)) {
            const res = await session!.post(url, fields);
            if (res.statusCode >= 500) failures.push(`${name} POST ${url} (${route.url}): ${res.statusCode}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The walk must not have ended a session (or every later request would just redirect to the sign-in page).
    for (const { name, session } of sessions.filter((s) => s.session)) expect((await session!.get('/staff/profile')).statusCode, name).toBe(200);
  }, 300_000);

  it('as the objection a report answers files the report with no objection link, not a 500 that loses it', async () => {
    const before = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;
    for (const value of OVERSIZED) {
      const form = await openForm(t.app, `/report?objection=${value}`);
      const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields(), objection: value });
      const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.78' });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.body).toMatch(/class="query-code"/);
    }
    expect((await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n).toBe(before + 2);
  });
});

describe('a form whose select carries an id beyond the range', () => {
  it('comes back with the words typed and a message on the field, not a 500', async () => {
    const province = sessions[1]!.session!;
    const res = await province.post('/staff/ledger/new', { source: 'inspection', problem: '村委会未按时公示低保名单', measures: '限期补充公示并说明原因', unit_id: '99999999999', person: '张主任', deadline: '' }, '/staff/ledger/new');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('村委会未按时公示低保名单');
    expect(res.body).toContain('请选择本单位或下级单位作为责任单位。');
  });
});

describe('assigning a report to a unit beyond the id range', () => {
  it('is refused like any unit not offered, not a 500', async () => {
    const lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']));
    // A report of its own: the walks above may have moved the shared one on.
    const page = `/staff/reports/${await fileReportIn(t.app, '220102')}`;
    expect((await lead.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    for (const value of OVERSIZED) {
      const res = await lead.post(`${page}/assign`, { unit_id: value, assignee_id: value, due: '' }, page);
      expect(res.statusCode, res.body.slice(0, 200)).toBeGreaterThanOrEqual(300);
      expect(res.statusCode).toBeLessThan(500);
    }
  });
});
