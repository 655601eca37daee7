// The actor × action × relation matrix (issue 16 defect 6): every state-changing staff route on a
// report, a referral or a transfer — enumerated from the route table, so a new route without a rule
// fails here — tried by a user of every role in every relation to the report. Allowed only where
// the rules (action-matrix/spec.ts) allow it; a refused attempt answers 403 or 404 and changes
// nothing: no row anywhere, no change to the report, its referral or transfer, no e-mail.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { tableNames } from '../helpers/db-tables.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';
import { multipart, openForm } from '../helpers/forms.js';
import { findReport } from '../../src/reports/index.js';
import { ROLES, updateUser, type Role } from '../../src/users/index.js';
import { REPORT_ACTIONS } from '../../src/reports/casework/index.js';
import { REFERRAL_ACTIONS } from '../../src/reports/referrals/service.js';
import { Fixtures, RELATIONS, UNIT_KEYS, type Fixture, type RelationName, type UnitName } from './action-matrix/fixtures.js';
import { REFERRAL_ACTION_RULES, REPORT_ACTION_RULES, ROUTE_RULES, type Rule } from './action-matrix/spec.js';

let t: TestApp;
let f: Fixtures;
let mails = 0;

interface Actor {
  staff: TestStaff;
  role: Role;
  jar: Record<string, string>;
  csrf: string;
}
const actors = new Map<Role, Actor>();
/** The user with `role`, now a member of `unit`. */
async function actorOf(unit: UnitName, role: Role): Promise<Actor> {
  const actor = actors.get(role)!;
  await updateUser(t.app.db, actor.staff.user.id, { unitId: f.units[unit].id });
  return actor;
}

/** Where reports, referrals and transfers can be acted on by id. */
const SCOPED = /^\/staff\/(reports|referrals|transfers)\/:id\//;

interface Case {
  label: string;
  url: string;
  rule: Rule;
}

/** Every state-changing route in scope, a /:action route once per action; a route without a rule throws. */
function cases(): Case[] {
  const out: Case[] = [];
  const missing: string[] = [];
  for (const route of t.app.routeList.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && SCOPED.test(r.url))) {
    const expand = (names: readonly string[], rules: Record<string, Rule>) => {
      for (const name of names) {
        const rule = rules[name];
        if (!rule) missing.push(`${route.url} ${name}`);
        else out.push({ label: `${route.method} ${route.url.replace(':action', name)}`, url: route.url.replace(':action', name), rule });
      }
    };
    if (route.url === '/staff/reports/:id/:action') expand(REPORT_ACTIONS, REPORT_ACTION_RULES);
    else if (route.url === '/staff/referrals/:id/:action') expand(REFERRAL_ACTIONS, REFERRAL_ACTION_RULES);
    else if (ROUTE_RULES[route.url]) out.push({ label: `${route.method} ${route.url}`, url: route.url, rule: ROUTE_RULES[route.url]! });
    else missing.push(route.url);
  }
  if (missing.length) throw new Error(`state-changing routes without a rule in the matrix: ${missing.join(', ')}`);
  return out;
}

let newestRows: () => unknown;
/** The newest row of every table, and the rows of this fixture: what a refused attempt must leave as it was. */
async function snapshot(fx: Fixture): Promise<string> {
  const newest = await newestRows();
  const rows = [
    await findReport(t.app.db, fx.report.id),
    await t.app.db.all(sql`select * from referrals where report_id = ${fx.report.id} order by id`),
    await t.app.db.all(sql`select * from transfers where report_id = ${fx.report.id} order by id`),
  ];
  return JSON.stringify({ newest, rows, mails });
}

async function attempt(actor: Actor, c: Case, fx: Fixture) {
  const id = c.rule.target === 'referral' ? fx.referralId : c.rule.target === 'transfer' ? fx.transferId : fx.report.id;
  const url = c.url.replace(':id', String(id ?? 0));
  if (c.rule.files) {
    const form = await multipart(c.rule.body(fx, f), c.rule.files());
    return t.app.inject({ method: 'POST', url: `${url}?_csrf=${encodeURIComponent(actor.csrf)}`, cookies: actor.jar, headers: form.headers, payload: form.payload });
  }
  return t.app.inject({ method: 'POST', url, cookies: actor.jar, payload: { _csrf: actor.csrf, ...c.rule.body(fx, f) } });
}

beforeAll(async () => {
  // Compiled templates cached as in production: thousands of refusals re-render the report page.
  t = await makeApp({ production: true });
  vi.spyOn(t.app.deps.mailer, 'sendLater').mockImplementation(() => {
    mails += 1;
  });
  const someone = await createStaff(t.app, UNIT_KEYS.township, ['handler']);
  const clerk = await createStaff(t.app, UNIT_KEYS.county, ['handler']);
  f = new Fixtures(t.app, someone.user, clerk.user);
  await f.init();
  // One user per role, signed in once and moved from unit to unit (the session reads the user's
  // unit on every request): password hashing would otherwise dominate the matrix's time.
  let n = 0;
  for (const role of ROLES) {
    const staff = await createStaff(t.app, UNIT_KEYS.county, [role]);
    const session = await signIn(t.app, staff, `10.16.0.${++n}`);
    const form = await openForm(t.app, '/staff/profile', session.jar);
    actors.set(role, { staff, role, jar: { ...session.jar, ...form.cookies }, csrf: form.csrf });
  }
  // The installed reference data (regions and the two ancestor closures, 80,000 rows) no staff
  // action writes: on PostgreSQL counting them in each of thousands of snapshots was most of the
  // file's seven minutes there.
  const reference = onPostgres ? ['regions', 'region_ancestors', 'unit_ancestors'] : [];
  const tables = (await tableNames(t.app.db)).filter((name) => !name.startsWith('sqlite_') && !name.startsWith('search_index') && !['sessions', '__drizzle_migrations', ...reference].includes(name));
  // PostgreSQL has no rowid: there each table's highest id (an index's last entry, as SQLite's
  // max(rowid) is), and the row count of the few small tables without one.
  const withId = new Set(onPostgres ? (await t.app.db.all<{ name: string }>(sql`select table_name as name from information_schema.columns where table_schema = current_schema() and column_name = 'id'`)).map((r) => r.name) : []);
  const newestOf = (name: string) => (onPostgres ? (withId.has(name) ? `(select coalesce(max(id), 0) from "${name}")` : `(select count(*) from "${name}")`) : `(select max(rowid) from "${name}")`);
  // One statement for all tables: the matrix takes thousands of snapshots.
  const newest = sql.raw(`select ${tables.map(newestOf).join(', ')}`);
  newestRows = () => t.app.db.values(newest);
}, 300_000);
afterAll(() => t.close());

describe('the actor × action × relation matrix', () => {
  it('has a rule for every state-changing route on a report, referral or transfer', () => {
    const labels = cases().map((c) => c.label);
    expect(labels).toContain('POST /staff/reports/:id/approve_conclusion');
    expect(labels).toContain('POST /staff/reports/:id/refer');
    expect(labels).toContain('POST /staff/transfers/:id/outcome');
    expect(labels).toContain('POST /staff/referrals/:id/result');
    // No rule is left over for a route or action that no longer exists.
    const known = new Set(labels.map((l) => l.replace(/^POST /, '')));
    for (const url of Object.keys(ROUTE_RULES)) expect(known, url).toContain(url);
  });

  // One test per route, so a failure names it; each tries every role in every relation.
  const all = (() => {
    const names: { label: string; key: string }[] = [];
    for (const a of REPORT_ACTIONS) names.push({ label: `POST /staff/reports/:id/${a}`, key: a });
    for (const a of REFERRAL_ACTIONS) names.push({ label: `POST /staff/referrals/:id/${a}`, key: a });
    for (const url of Object.keys(ROUTE_RULES)) names.push({ label: `POST ${url}`, key: url });
    return names;
  })();

  it.each(all)('$label: allowed only to the right relation and role; a refusal changes nothing', async ({ label }) => {
    const c = cases().find((x) => x.label === label);
    expect(c, `${label} is not in the route table`).toBeDefined();
    const { rule } = c!;
    const wrong: string[] = [];
    let succeeded = 0;
    for (const relation of Object.keys(RELATIONS) as RelationName[]) {
      let fx: Fixture | null = null;
      // The state after a refused attempt is the state before the next one on the same fixture
      // (moving an actor to a unit writes nothing a snapshot reads): half the snapshots, which on
      // PostgreSQL are a statement over every table.
      let unchanged: string | null = null;
      for (const role of ROLES) {
        const actor = await actorOf(RELATIONS[relation], role);
        // The assignee relation belongs to one user: each actor gets their own assignment.
        if (!fx || relation === 'assignee') {
          fx = await f.build(rule.preset, relation, actor.staff.user);
          unchanged = null;
        }
        const before: string = unchanged ?? (await snapshot(fx));
        const res = await attempt(actor, c!, fx);
        const after = await snapshot(fx);
        unchanged = after === before ? after : null;
        const allowed = rule.allowed(relation, role);
        const refused = res.statusCode === 403 || res.statusCode === 404;
        if (allowed === refused) wrong.push(`${relation} ${role}: ${allowed ? 'allowed' : 'refused'} by the rules, got ${res.statusCode}`);
        if (!allowed && after !== before) wrong.push(`${relation} ${role}: refused but something changed`);
        expect(res.statusCode, `${label} by ${relation} ${role}`).toBeLessThan(500);
        if (res.statusCode === 303) succeeded += 1;
        // A permitted attempt may have moved the report on: the next actor gets a fresh one.
        if (after !== before) fx = null;
      }
    }
    expect(wrong).toEqual([]);
    // The fixtures are real: someone allowed did succeed.
    expect(succeeded, `${label}: no permitted attempt succeeded`).toBeGreaterThan(0);
  }, 120_000);
});
