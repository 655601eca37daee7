// 按种子复核抽取 (issue 19 item 14): a round keeps what its draw was made from, a replay on those
// inputs gives the stored list, a changed input shows, a round from before says it cannot be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { entriesFor } from '../../src/audit/index.js';
import { fileReport, updateReport } from '../../src/reports/index.js';
import { candidatesFor, verifyDraw } from '../../src/spot-checks/index.js';
import { hashInputs, parseInputs } from '../../src/spot-checks/draw-inputs.js';
import { spotCheckRounds, spotCheckTargets } from '../../src/spot-checks/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let city: Session, otherCounty: Session, otherCity: Session;

const round = async (id: number) => (await t.app.db.select().from(spotCheckRounds).where(eq(spotCheckRounds.id, id)).get())!;
const setRound = async (id: number, values: Partial<typeof spotCheckRounds.$inferInsert>) => t.app.db.update(spotCheckRounds).set(values).where(eq(spotCheckRounds.id, id)).run();

async function plan(fields: Record<string, string> = {}) {
  const res = await city.post('/staff/spot-checks/new', { name: '2026年第三季度明查暗访', count: '6', random_count: '2', ...fields }, '/staff/spot-checks/new');
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  return Number(/\/staff\/spot-checks\/(\d+)/.exec(res.headers.location as string)![1]);
}

beforeAll(async () => {
  t = await makeApp();
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor', 'inspector']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['supervisor', 'inspector']));
  otherCity = await signIn(t.app, await createStaff(t.app, 'ca:220200', ['supervisor', 'inspector']));
  // Some weight, so the weighted part of the draw has something to lean on.
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  await updateReport(t.app.db, filed.report.id, { dueOn: '2020-01-01' });
});
afterAll(() => t.close());

describe('the draw keeps its inputs', () => {
  it('stores scope, candidates with weights in draw order, seed, counts, algorithm and the hash (also in the audit entry)', async () => {
    const id = await plan({ region: '220102', count: '3', random_count: '1' });
    const r = await round(id);
    const inputs = parseInputs(r.drawInputs!)!;
    expect(inputs).toMatchObject({ algorithm: 'spot-check-draw/1', scope: '220102', seed: r.seed, count: 3, randomCount: 1 });
    const candidates = await candidatesFor(t.app.deps, '220102');
    expect(inputs.candidates).toEqual(candidates.map((c) => [c.code, c.weight]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    expect(inputs.candidates.find(([code]) => code === '220102001')![1]).toBe(1 + 1 + 2);
    expect(r.drawInputsHash).toBe(hashInputs(r.drawInputs!));
    const [entry] = await entriesFor(t.app.db, 'spot_check_round', String(id));
    expect(JSON.parse(entry!.detail!).inputsHash).toBe(r.drawInputsHash);
  });
});

describe('按种子复核抽取', () => {
  it('replays the stored inputs into the same list, shown side by side with 一致, and audits the look', async () => {
    const id = await plan();
    const stored = await t.app.db.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, id)).orderBy(spotCheckTargets.position).all();
    // Later data changes do not matter: the replay uses what the draw used.
    await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102002001', placeOther: null, countyCode: '220102', townshipCode: '220102002', subjectName: '李四', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属纳入低保。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    const result = await verifyDraw(t.app.deps, await round(id));
    expect(result.status).toBe('replayed');
    if (result.status !== 'replayed') return;
    expect(result).toMatchObject({ same: true, inputs: 'intact', consistent: true, auditHashSeen: true });
    expect(result.rows.map((row) => row.replayed!.code)).toEqual(stored.map((s) => s.townshipCode));
    expect(result.rows.map((row) => row.replayed!.drawnBy)).toEqual(stored.map((s) => s.drawnBy));

    const page = await city.get(`/staff/spot-checks/${id}/verify`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('按种子复核抽取');
    expect(page.body).toContain('一致。');
    expect(page.body).not.toContain('不一致');
    expect(page.body).toContain('抽取依据未被改动');
    for (const s of stored) expect(page.body).toContain(s.townshipCode);
    expect((await city.get(`/staff/spot-checks/${id}`)).body).toContain(`/staff/spot-checks/${id}/verify`);
    const actions = (await entriesFor(t.app.db, 'spot_check_round', String(id))).map((e) => e.action);
    expect(actions).toEqual(['spot_check.round_planned', 'spot_check.draw_verified']);
  });

  it('detects a changed stored input, even when the stored hash was changed with it', async () => {
    const id = await plan();
    const original = await round(id);
    const inputs = parseInputs(original.drawInputs!)!;
    // Someone lowers the weight of the township that was drawn first by weight.
    const weighted = (await t.app.db.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, id)).all()).find((x) => x.drawnBy === 'weighted')!;
    const changed = JSON.stringify({ ...inputs, candidates: inputs.candidates.map(([c, w]) => [c, c === weighted.townshipCode ? w + 50 : w]) });
    await setRound(id, { drawInputs: changed });
    let result = await verifyDraw(t.app.deps, await round(id));
    expect(result.status === 'replayed' && result.inputs).toBe('changed');
    expect(result.status === 'replayed' && result.consistent).toBe(false);
    const page = await city.get(`/staff/spot-checks/${id}/verify`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('不一致。');
    expect(page.body).toContain('抽取依据已被改动');

    // The hash column rewritten too: the audit entry of the planning still tells.
    await setRound(id, { drawInputsHash: hashInputs(changed) });
    result = await verifyDraw(t.app.deps, await round(id));
    expect(result.status === 'replayed' && result.inputs).toBe('changed');
    // The seed column changed instead: also caught.
    await setRound(id, { drawInputs: original.drawInputs, drawInputsHash: original.drawInputsHash, seed: 'f'.repeat(64) });
    result = await verifyDraw(t.app.deps, await round(id));
    expect(result.status === 'replayed' && result.inputs).toBe('changed');
    // Put back, it is consistent again.
    await setRound(id, { seed: original.seed });
    result = await verifyDraw(t.app.deps, await round(id));
    expect(result.status === 'replayed' && result.consistent).toBe(true);
    // Garbage in the column: not readable, and said so.
    await setRound(id, { drawInputs: '{"algorithm":' });
    expect((await verifyDraw(t.app.deps, await round(id))).status).toBe('unreadable');
    expect((await city.get(`/staff/spot-checks/${id}/verify`)).body).toContain('保存的抽取依据已损坏或被改动');
  });

  it('says plainly that a round drawn before the inputs were kept (NULL) cannot be replayed', async () => {
    const id = await plan();
    await setRound(id, { drawInputs: null, drawInputsHash: null });
    expect(await verifyDraw(t.app.deps, await round(id))).toEqual({ status: 'no_inputs' });
    const page = await city.get(`/staff/spot-checks/${id}/verify`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('无法复核：本轮是在系统保存抽取依据之前生成的');
    expect(page.body).not.toContain('一致。');
    expect((await city.get(`/staff/spot-checks/${id}`)).body).toContain('无法按种子复核抽取');
  });

  it('is the inspecting unit only: a user of another county or city gets a 404', async () => {
    const id = await plan();
    const url = `/staff/spot-checks/${id}/verify`;
    expect((await city.get(url)).statusCode).toBe(200);
    for (const outsider of [otherCounty, otherCity]) {
      const res = await outsider.get(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain((await round(id)).seed);
    }
    expect((await entriesFor(t.app.db, 'spot_check_round', String(id))).filter((e) => e.action === 'spot_check.draw_verified')).toHaveLength(1);
  });
});
