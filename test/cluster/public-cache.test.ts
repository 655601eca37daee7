// Two app nodes on one PostgreSQL database (issue 21): a public page cached on node B changes within
// a second of a change made on node A (LISTEN/NOTIFY, src/db/postgres/notifications.ts), also after
// B's listening session was cut and had to reconnect; a staff page cached on B shows a report change
// made on A at the next load (change stamps read from the database on every hit).
import crypto from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/db/engine.js';
import { insertHotlines } from '../../src/hotlines/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { PUBLIC_CACHE_CHANNEL } from '../../src/plugins/public-cache.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { fileReportIn } from '../helpers/reports.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks `check` until it holds or `withinMs` has passed; whether it came to hold. */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

describe.skipIf(!onPostgres)('page caches on two nodes of one database', () => {
  let a: TestApp;
  let b: TestApp;
  let leadOnA: Session;
  let hotlineId: number;
  let phones = 0;

  beforeAll(async () => {
    // Every node of a portal seals and opens with the same key.
    const masterKey = crypto.randomBytes(32);
    a = await makeApp({ masterKey });
    b = await makeApp({ databaseUrl: a.config.databaseUrl!, masterKey });
    const nanguan = (await findUnitByKey(a.app.db, 'ca:220102'))!;
    await insertHotlines(a.app.db, [{ unitId: nanguan.id, regionCode: '220102', phone: '0431-81111111', dutyHours: '工作日 8:30–16:30', note: null, updatedAt: Date.now() }]);
    hotlineId = (await a.app.db.get<{ id: number }>(sql`select id from hotlines where phone = '0431-81111111'`))!.id;
    leadOnA = await signIn(a.app, await createStaff(a.app, 'ca:220102', ['lead']));
  });
  // B first: A's close drops the database both use.
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Changes the hotline's number on A, through its staff route; the new number. */
  async function changeHotlineOnA(): Promise<string> {
    const phone = `0431-8765432${phones++}`;
    const saved = await leadOnA.post(`/staff/hotlines/${hotlineId}`, { phone, duty_hours: '工作日 8:00–17:00', note: '' }, '/staff/hotlines');
    expect(saved.statusCode).toBe(303);
    return phone;
  }

  /**
   * B's /hotlines, holding `phone`, answered from B's cache. The notification of the change that
   * wrote `phone` may still be on its way and drop the page B just cached: asked until it is kept.
   */
  async function cachedOnB(phone: string): Promise<void> {
    const kept = await eventually(async () => {
      await b.app.inject('/hotlines');
      const page = await b.app.inject('/hotlines');
      return page.headers['x-cache'] === 'hit' && page.body.includes(phone);
    }, 1_000);
    expect(kept).toBe(true);
    expect(b.app.publicCache.size).toBeGreaterThan(0);
  }

  const bShows = (phone: string) => async () => (await b.app.inject('/hotlines')).body.includes(phone);

  it('drops a public page on B within a second of a change made on A', async () => {
    const before = await changeHotlineOnA();
    await cachedOnB(before);
    const after = await changeHotlineOnA();
    expect(await eventually(bShows(after), 1_000)).toBe(true);
    const page = await b.app.inject('/hotlines');
    expect(page.body).not.toContain(before);
    // B caches the new page again.
    expect((await b.app.inject('/hotlines')).headers['x-cache']).toBe('hit');
  });

  it('shows a report change made on A on the next load of an inbox cached on B', async () => {
    const id = await fileReportIn(a.app, '220102');
    const caseNo = (await a.app.db.get<{ case_no: string }>(sql`select case_no from reports where id = ${id}`))!.case_no;
    const viewerOnB = await signIn(b.app, await createStaff(a.app, 'ca:220102', ['supervisor', 'handler'], { displayName: '南关区乙' }));
    const intakeOnA = await signIn(a.app, await createStaff(a.app, 'ca:220102', ['intake']));
    const url = '/staff/reports?status=received';
    await viewerOnB.get(url);
    const cached = await viewerOnB.get(url);
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.body).toContain(caseNo);

    const page = `/staff/reports/${id}`;
    expect((await intakeOnA.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const next = await viewerOnB.get(url);
    expect(next.statusCode).toBe(200);
    expect(next.headers['x-cache']).toBe('miss');
    expect(next.body).not.toContain(caseNo);
    expect((await viewerOnB.get('/staff/reports?status=accepted')).body).toContain(caseNo);
  });

  it('misses no change made while B cannot listen, and listens anew when it can', async () => {
    const signal = b.app.clusterSignal!;
    const listener = `sunshine listener ${signal.nodeId}`;
    const database = new URL(a.config.databaseUrl!).pathname.slice(1);
    // On the suite's database: a database's own sessions may not close it to new ones.
    const admin = new pg.Client({ connectionString: suiteDatabaseUrl! });
    await admin.connect();
    const allowConnections = (allow: boolean) => admin.query(`alter database ${admin.escapeIdentifier(database)} allow_connections ${allow}`);
    try {
      const pidsOf = async () => (await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [listener])).rows.map((r) => r.pid);
      const [cut] = await pidsOf();
      expect(cut).toBeDefined();
      const before = await changeHotlineOnA();
      await cachedOnB(before);

      // B's listening session is cut and no new session may open (the pools keep theirs): B
      // cannot hear of the change A makes now.
      await allowConnections(false);
      const terminated = await admin.query<{ done: boolean }>('select pg_terminate_backend($1) as done', [cut]);
      expect(terminated.rows[0]!.done).toBe(true);
      expect(await eventually(async () => !signal.isListening(PUBLIC_CACHE_CHANNEL), 3_000)).toBe(true);
      const whileCut = await changeHotlineOnA();
      expect((await b.app.inject('/hotlines')).body).toContain(whileCut);
      expect((await b.app.inject('/hotlines')).body).toContain(whileCut);

      // Sessions may open again: B listens on a new one, keeps pages again, and hears the next change.
      await allowConnections(true);
      expect(await eventually(async () => signal.isListening(PUBLIC_CACHE_CHANNEL) && (await pidsOf()).some((pid) => pid !== cut), 8_000)).toBe(true);
      await cachedOnB(whileCut);
      const afterReconnect = await changeHotlineOnA();
      expect(await eventually(bShows(afterReconnect), 1_000)).toBe(true);
    } finally {
      await allowConnections(true);
      await admin.end();
    }
  });
});
