// The "staff day" scenario (issue 22): 50 staff sessions of different units and roles — township
// governments, county, city (prefecture) and province civil-affairs bureaus, inspectors — each
// issuing an office's mix of views: the inbox with random filters and pages, a search by a
// person's name or a common word, a report page, the dashboard, a CSV export. Everything random is
// drawn from a seeded PRNG, so two runs on the same data issue the same requests in the same order.
//
// The plan is built in two steps: `planStaffDay` picks the users and draws each session's visits
// from the data file; `resolveStaffDay` signs every user in and walks the inbox pages a visit pages
// through (a "next" link is only known from the page before), collecting report ids each session
// may open. The result is one flat list of requests that the load run cycles through; the server
// runs with its staff page cache off, and every `X-Cache: hit` answer is counted (it must be zero).
import Database from 'better-sqlite3';
import { unseal } from '../../src/shared/crypto.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import { databaseFile } from '../../src/db/connection.js';
import { seededRandom } from '../../src/shared/prng.js';
import { nextHrefOf, unescapeHtml, type Browser } from './http.js';
import { signIn } from './scenarios.js';

export type DayRole = 'township' | 'county' | 'city' | 'province' | 'inspector';

/** How many sessions of each kind (50 in all). */
export const DAY_MIX: Record<DayRole, number> = { township: 15, county: 17, city: 8, province: 5, inspector: 5 };

export interface DayUser {
  id: number;
  username: string;
  totpSecret: string;
  kind: DayRole;
  region: string;
  /** Region codes one level below the user's own (the inbox's region filter offers these). */
  subRegions: string[];
}

type Visit =
  | { type: 'inbox'; path: string; pages: number }
  | { type: 'search'; path: string }
  | { type: 'report' }
  | { type: 'dashboard' }
  | { type: 'export'; path: string };

export interface DayPlan {
  users: DayUser[];
  visits: Visit[][];
}

export interface DayRequest {
  session: number;
  kind: 'inbox' | 'inbox-page' | 'search' | 'report' | 'dashboard' | 'export';
  path: string;
}

const STATUSES = ['received', 'accepted', 'assigned', 'investigating', 'concluded', 'closed', 'rejected'];
const CATEGORIES = ['favouritism', 'connections', 'wrong_grant', 'left_out', 'bribery', 'embezzlement'];
const QUEUES = ['all', 'all', 'all', 'mine', 'unit', 'unassigned', 'overdue'];
/** Words in many report texts (bench/gen/common.ts): 低保 is in most of them. */
const COMMON_WORDS = ['低保', '低保', '村支书', '拖拉机', '评议会', '取暖补贴'];
const SEED = 20261207;
const DAY_MS = 86_400_000;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const chinaDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

function qs(fields: Record<string, string | undefined>): string {
  const p = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined) as [string, string][]);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Picks the users and draws `visitsPerSession` visits for each, from the data file alone. */
export function planStaffDay(dataDir: string, visitsPerSession: number, now = Date.now()): DayPlan {
  const sqlite = new Database(databaseFile(dataDir), { readonly: true });
  const keys = deriveKeys(loadMasterKey({ dataDir, masterKey: null }));
  try {
    const rows = sqlite
      .prepare(`SELECT u.id, u.username, u.roles, u.totp_sealed AS totp, n.kind AS unitKind, n.region_code AS region, g.level
        FROM users u JOIN units n ON n.id = u.unit_id JOIN regions g ON g.code = n.region_code
        WHERE u.disabled = 0 AND u.totp_enabled = 1 AND n.kind IN ('civil_affairs', 'township_gov') ORDER BY u.id`)
      .all() as { id: number; username: string; roles: string; totp: Buffer; unitKind: string; region: string; level: string }[];
    const kindOf = (row: (typeof rows)[number]): DayRole | null => {
      const roles = row.roles.split(',');
      if (roles.some((x) => ['system_admin', 'security_admin', 'audit_admin', 'custodian'].includes(x))) return null;
      if (roles.includes('inspector')) return 'inspector';
      if (row.unitKind === 'township_gov') return 'township';
      return ({ county: 'county', prefecture: 'city', province: 'province' } as Record<string, DayRole>)[row.level] ?? null;
    };
    const r = seededRandom(SEED);
    const users: DayUser[] = [];
    const children = sqlite.prepare('SELECT code FROM regions WHERE parent_code = ? ORDER BY code').pluck();
    for (const kind of Object.keys(DAY_MIX) as DayRole[]) {
      const candidates = rows.filter((row) => kindOf(row) === kind);
      // A seeded shuffle, then the first n: the same users every run on the same data.
      for (let i = candidates.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
      }
      for (const row of candidates.slice(0, DAY_MIX[kind])) {
        users.push({
          id: row.id,
          username: row.username,
          totpSecret: unseal(keys.identity, row.totp, `totp:${row.id}`).toString('utf8'),
          kind,
          region: row.region,
          subRegions: row.unitKind === 'township_gov' ? [] : (children.all(row.region) as string[]),
        });
      }
    }
    // Names people search for: subjects of reports in each user's area (a prefix of its region code).
    const namesIn = sqlite.prepare(`SELECT subject_name FROM reports WHERE subject_name IS NOT NULL AND substr(coalesce(township_code, county_code), 1, ?) = ? AND id % 97 = ? LIMIT 20`).pluck();
    const visits = users.map((u, s) => {
      const ur = seededRandom(SEED + 1000 + s);
      const prefix = u.region.replace(/0+$/, '').padEnd(2, '0');
      const names = namesIn.all(prefix.length, prefix, s % 97) as string[];
      const list: Visit[] = [];
      for (let i = 0; i < visitsPerSession; i++) list.push(drawVisit(ur, u, names, now));
      return list;
    });
    return { users, visits };
  } finally {
    sqlite.close();
  }
}

/** One visit: the inbox with filters (and how many pages of it), a search, a report, the dashboard or an export. */
function drawVisit(r: () => number, u: DayUser, names: string[], now: number): Visit {
  const x = r();
  const region = u.subRegions.length && r() < 0.5 ? pick(r, u.subRegions) : undefined;
  if (x < 0.45) {
    const from = r() < 0.25 ? chinaDate(now - Math.floor(r() * 330) * DAY_MS) : undefined;
    const path = `/staff/reports${qs({
      queue: r() < 0.5 ? pick(r, QUEUES) : undefined,
      status: r() < 0.5 ? pick(r, STATUSES) : undefined,
      category: r() < 0.25 ? pick(r, CATEGORIES) : undefined,
      region,
      from,
      to: from ? chinaDate(Date.parse(`${from}T00:00:00+08:00`) + Math.floor(7 + r() * 60) * DAY_MS) : undefined,
      sort: r() < 0.2 ? pick(r, ['oldest', 'due']) : undefined,
    })}`;
    const y = r();
    return { type: 'inbox', path, pages: y < 0.6 ? 1 : y < 0.85 ? 2 : 3 + Math.floor(r() * 3) };
  }
  if (x < 0.6) {
    const q = names.length && r() < 0.5 ? pick(r, names) : pick(r, COMMON_WORDS);
    return { type: 'search', path: `/staff/reports${qs({ q, region: r() < 0.3 ? region : undefined })}` };
  }
  if (x < 0.8) return { type: 'report' };
  if (x < 0.93) return { type: 'dashboard' };
  // An export of a few weeks of one status, as a ledger for a meeting.
  const from = chinaDate(now - Math.floor(30 + r() * 300) * DAY_MS);
  const to = chinaDate(Date.parse(`${from}T00:00:00+08:00`) + 21 * DAY_MS);
  return { type: 'export', path: `/staff/reports.csv${qs({ status: pick(r, STATUSES), region, from, to })}` };
}

const REPORT_LINK = /href="\/staff\/reports\/(\d+)"/g;

/**
 * Signs every user in (the real password + TOTP steps) and turns the visits into requests: an
 * inbox visit's later pages are the "next" links of the pages before (fetched here, in the plan's
 * order); a report visit opens a report the session's inbox listed. Returns the sessions' cookies
 * and the flat request list, visits interleaved across sessions.
 */
export async function resolveStaffDay(base: string, plan: DayPlan, password: string, log: (line: string) => void): Promise<{ cookies: string[]; requests: DayRequest[]; signInMs: number }> {
  const t0 = performance.now();
  const browsers: Browser[] = [];
  for (const u of plan.users) browsers.push(await signIn(base, u.username, password, u.totpSecret));
  const signInMs = performance.now() - t0;
  log(`staff day: ${browsers.length} sessions signed in in ${(signInMs / 1000).toFixed(1)} s`);
  const perSession: DayRequest[][][] = plan.users.map(() => []);
  for (let s = 0; s < plan.users.length; s++) {
    const b = browsers[s]!;
    const r = seededRandom(SEED + 5000 + s);
    const ids: number[] = [];
    const visits = plan.visits[s]!;
    // Inbox visits first (they supply the report ids), then the rest in their drawn order.
    const resolved = new Map<number, DayRequest[]>();
    for (const [i, v] of visits.entries()) {
      if (v.type !== 'inbox') continue;
      const reqs: DayRequest[] = [{ session: s, kind: 'inbox', path: v.path }];
      let current = v.path;
      for (let p = 1; p < v.pages; p++) {
        const res = await b.get(current);
        if (res.status !== 200) throw new Error(`staff day setup: ${current} HTTP ${res.status}`);
        for (const m of res.body.matchAll(REPORT_LINK)) ids.push(Number(m[1]));
        const next = nextHrefOf(res.body);
        if (!next) break;
        reqs.push({ session: s, kind: 'inbox-page', path: (current = next) });
      }
      if (v.pages === 1 && ids.length < 20) {
        const res = await b.get(v.path);
        for (const m of res.body.matchAll(REPORT_LINK)) ids.push(Number(m[1]));
      }
      resolved.set(i, reqs);
    }
    if (ids.length === 0) {
      const res = await b.get('/staff/reports');
      for (const m of res.body.matchAll(REPORT_LINK)) ids.push(Number(m[1]));
    }
    for (const [i, v] of visits.entries()) {
      if (v.type === 'inbox') perSession[s]!.push(resolved.get(i)!);
      else if (v.type === 'report') {
        if (ids.length) perSession[s]!.push([{ session: s, kind: 'report', path: `/staff/reports/${pick(r, ids)}` }]);
      } else if (v.type === 'dashboard') perSession[s]!.push([{ session: s, kind: 'dashboard', path: '/staff' }]);
      else perSession[s]!.push([{ session: s, kind: v.type, path: unescapeHtml(v.path) }]);
    }
  }
  const requests: DayRequest[] = [];
  const most = Math.max(...perSession.map((v) => v.length));
  for (let i = 0; i < most; i++) for (const visits of perSession) if (visits[i]) requests.push(...visits[i]!);
  return { cookies: browsers.map((b) => b.cookieHeader()), requests, signInMs };
}

/** Counts of the requests by kind (for the results table). */
export function mixOf(requests: DayRequest[]): string {
  const n = new Map<string, number>();
  for (const q of requests) n.set(q.kind, (n.get(q.kind) ?? 0) + 1);
  return [...n.entries()].map(([k, v]) => `${k} ${v}`).join(', ');
}
