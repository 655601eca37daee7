// Staff entries carry the terminal (address, user agent) of the request that made them, under the
// MAC; reporter and system entries never do, and a reporter's address is stored nowhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { record, verifyChain } from '../../src/audit/index.js';
import { entryMac, GENESIS_MAC } from '../../src/audit/chain.js';
import { hmacHex } from '../../src/shared/crypto.js';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { tableNames } from '../helpers/db-tables.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';

let t: TestApp;
let intake: Session;
const REPORTER_IP = '198.51.100.173';
const REPORTER_UA = 'ReporterPhone/7.1 (audit-terminal-test)';

const entries = async (where = sql`1 = 1`) => t.app.db.all<{ id: number; action: string; actor_type: string; terminal: string | null }>(sql`select id, action, actor_type, terminal from audit_log where ${where} order by id`);

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler']), '127.0.3.1');
});
afterAll(() => t.close());

describe('terminal information', () => {
  it('a staff POST (body parsed before the handler) records the address and a truncated user agent', async () => {
    const { report } = await fileReport(t.app.deps, { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never, [], { channel: 'online', nonce: null });
    const page = `/staff/reports/${report.id}`;
    const form = await openForm(t.app, page, intake.jar);
    const before = (await entries()).at(-1)!.id;
    const longUa = `Browser/${'x'.repeat(1000)}`;
    const res = await t.app.inject({ method: 'POST', url: `${page}/accept`, cookies: { ...intake.jar, ...form.cookies }, remoteAddress: '10.20.30.40', headers: { 'user-agent': longUa }, payload: { _csrf: form.csrf } });
    expect(res.statusCode).toBe(303);
    const made = await entries(sql`id > ${before} and actor_type = 'staff'`);
    expect(made.length).toBeGreaterThan(0);
    for (const e of made) {
      const terminal = JSON.parse(e.terminal!);
      expect(terminal.ip).toBe('10.20.30.40');
      expect(terminal.ua).toBe(longUa.slice(0, 200));
    }
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
  });

  it('a report filed through the public route leaves its address and user agent nowhere', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields() });
    const before = (await entries()).at(-1)!.id;
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: { ...body.headers, 'user-agent': REPORTER_UA }, payload: body.payload, remoteAddress: REPORTER_IP });
    expect(res.statusCode).toBe(200);
    const made = await entries(sql`id > ${before}`);
    expect(made.some((e) => e.actor_type === 'reporter')).toBe(true);
    expect(made.every((e) => e.terminal === null)).toBe(true);
    // Every row of every table, every column: neither the address nor the user agent.
    for (const name of await tableNames(t.app.db)) {
      const rows = await t.app.db.all(sql.raw(`select * from "${name}"`));
      const text = JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(text, name).not.toContain(REPORTER_IP);
      expect(text, name).not.toContain('audit-terminal-test');
    }
    expect(t.logs()).not.toContain(REPORTER_IP);
  });

  it('system and reporter entries never take a staff terminal, even inside a staff request', async () => {
    const system = await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.system', object: { type: 'x', id: 1 } });
    expect(system.terminal).toBeNull();
    expect((await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'staff', id: 1 }, action: 'test.outside', object: { type: 'x', id: 1 } })).terminal).toBeNull();
  });

  it('the MAC covers the terminal; entries without one keep the old canonical form', async () => {
    const key = t.app.keys['audit-mac'];
    const content = { at: 1, actorType: 'staff', actorId: 7, action: 'a', objectType: 'o', objectId: '1', result: 'ok', detail: null };
    // Exactly the serialisation from before the terminal existed: old chains still verify.
    const old = hmacHex(key, `${GENESIS_MAC}\n${JSON.stringify([1, 1, 'staff', 7, 'a', 'o', '1', 'ok', null])}`);
    expect(entryMac(key, 1, content, GENESIS_MAC)).toBe(old);
    expect(entryMac(key, 1, { ...content, terminal: null }, GENESIS_MAC)).toBe(old);
    expect(entryMac(key, 1, { ...content, terminal: '{"ip":"10.0.0.1","ua":""}' }, GENESIS_MAC)).not.toBe(old);

    const staffEntry = (await entries(sql`terminal is not null`)).at(-1)!;
    await t.app.db.run(sql`update audit_log set terminal = '{"ip":"10.9.9.9","ua":"forged"}' where id = ${staffEntry.id}`);
    expect((await verifyChain(t.app.db, key)).broken).toEqual({ id: staffEntry.id, reason: 'mac' });
  });
});
