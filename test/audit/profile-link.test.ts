// The signed link entry where the audit chain switches from HMAC-SHA256 to HMAC-SM3 (issue 23): one
// audit.mac_switched entry, SM2-signed, written by the first append after the switch (one, also
// when appends race) or by keys:rotate; entries before it carry intl MACs, after it sm ones. A
// chain that mixes profiles without the link, goes back to intl, or carries a forged link breaks
// with the reason 'profile' — also when the forger holds the MAC key and re-chains what follows.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, eq, gte, sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { archiveDir, archiveDue, LINK_ACTION, linkChainToProfile, record, registerChainKeys, verifyAuditTrail, verifyChain } from '../../src/audit/index.js';
import { archiveMac, entryMacUnder, type StoredEntry } from '../../src/audit/chain.js';
import { entryLine } from '../../src/audit/archive.js';
import { linkDetail, linkSignedText } from '../../src/audit/link-entry.js';
import { auditArchives, auditLog } from '../../src/audit/tables.js';
import { main as verifyCli } from '../../src/cli/audit-verify.js';
import { main as rotateCli } from '../../src/cli/keys-rotate.js';
import type { Db } from '../../src/db/connection.js';
import { deriveKeys, loadMasterKey, type Keys } from '../../src/plugins/keys.js';
import { activeProfile, macProfile, signerFor, useCryptoProfile, verifySm2 } from '../../src/shared/crypto/index.js';
import { capture, dataDir } from '../cli/helpers.js';
import { cliPortal, type CliPortal } from '../cli/portal-database.js';

const dirs: string[] = [];
const portals: CliPortal[] = [];
// Every test here starts from a portal written under intl and switches it to sm, so each pins intl
// first, whatever SUNSHINE_CRYPTO the suite runs under (under sm the first entries would already be
// HMAC-SM3 and no link would be written); the suite's own profile comes back afterwards.
const suiteProfile = activeProfile();
beforeEach(() => {
  useCryptoProfile('intl');
});
afterAll(async () => {
  useCryptoProfile(suiteProfile);
  for (const p of portals) await p.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Chain {
  db: Db;
  env: Record<string, string>;
  keys: Keys;
  key: Buffer;
}

/** An empty audit log on its own portal, its keys registered as the app's are. */
async function emptyChain(seed: number, register = true): Promise<Chain> {
  const dir = dataDir();
  dirs.push(dir);
  const portal = await cliPortal(dir, Buffer.alloc(32, seed));
  portals.push(portal);
  await portal.db.run(sql`delete from audit_log`);
  await portal.db.run(sql`delete from audit_archives`);
  const keys = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never), 'intl');
  if (register) registerChainKeys(keys);
  return { db: portal.db, env: portal.env, keys, key: keys['audit-mac'] };
}

const note = (c: Chain, n: string, at?: number) => record(c.db, c.key, { actor: { type: 'system' }, action: 'test.step', object: { type: 'test', id: n } }, at);

async function entries(c: Chain): Promise<StoredEntry[]> {
  return (await c.db.select().from(auditLog).orderBy(asc(auditLog.id)).all()).map((e) => ({ ...e, id: Number(e.id) }));
}

/** intl entries, the switch to sm, sm entries: the chain a rotated portal has. */
async function switchedChain(seed: number): Promise<{ c: Chain; link: StoredEntry; all: StoredEntry[] }> {
  const c = await emptyChain(seed);
  for (const n of ['a', 'b', 'c']) await note(c, n);
  useCryptoProfile('sm');
  for (const n of ['d', 'e', 'f']) await note(c, n);
  const all = await entries(c);
  return { c, link: all.find((e) => e.action === LINK_ACTION)!, all };
}

/** What a holder of the MAC key can do: recompute each MAC from `fromId` on, each under its own profile. */
async function rechain(c: Chain, fromId: number, startMac = '0'.repeat(64)): Promise<void> {
  const all = await entries(c);
  let previous = all.filter((e) => e.id < fromId).at(-1)?.mac ?? startMac;
  for (const e of all.filter((x) => x.id >= fromId)) {
    const mac = entryMacUnder(macProfile(e.mac)!, c.key, e.id, e, previous);
    await c.db.update(auditLog).set({ prevMac: previous, mac }).where(eq(auditLog.id, e.id)).run();
    previous = mac;
  }
}

async function cli(c: Chain): Promise<{ code: number; out: string[] }> {
  const io = capture();
  const code = await verifyCli([], c.env, io);
  return { code, out: io.stdout };
}

describe('the signed link entry at a switch of crypto profile', () => {
  it('writes exactly one link, under the new profile, signed over the previous head; the chain and audit:verify say ok', async () => {
    const { c, link, all } = await switchedChain(41);
    expect(all.filter((e) => e.action === LINK_ACTION)).toHaveLength(1);
    expect(all.map((e) => macProfile(e.mac))).toEqual(['intl', 'intl', 'intl', 'sm', 'sm', 'sm', 'sm']);
    expect(link).toMatchObject({ id: 4, actorType: 'system', actorId: null, objectType: 'audit_chain', objectId: 'sm' });
    const d = JSON.parse(link.detail!) as Record<string, string | number>;
    expect(d).toMatchObject({ from: 'intl', to: 'sm', previousId: 3, previousMac: all[2]!.mac });
    // The signature verifies with the manifest-signing key's public key (the site's sm2.pem under sm).
    const smSigner = deriveKeys(loadMasterKey({ dataDir: dirs.at(-1)!, masterKey: null } as never), 'sm')['manifest-signing'];
    expect(d.publicKey).toBe(signerFor(smSigner).publicKeyHex);
    expect(verifySm2(String(d.publicKey), linkSignedText({ from: 'intl', to: 'sm', previousId: 3, previousMac: all[2]!.mac }), Buffer.from(String(d.signature), 'hex'))).toBe(true);

    expect(await verifyChain(c.db, c.key)).toEqual({ checked: 7, broken: null });
    expect(await linkChainToProfile(c.db, c.keys)).toBeNull();
    await note(c, 'g');
    expect((await entries(c)).filter((e) => e.action === LINK_ACTION)).toHaveLength(1);
    const run = await cli(c);
    expect(run.out[0]).toBe('audit chain ok: 8 entries');
    expect(run.code).toBe(0);
  });

  it('keeps the chain under sm when a node writes under intl after the link (no downgrade), and breaks on an intl entry forged there', async () => {
    const { c } = await switchedChain(42);
    useCryptoProfile('intl');
    const kept = await note(c, 'still-sm');
    expect(macProfile(kept.mac)).toBe('sm');
    expect((await verifyChain(c.db, c.key)).broken).toBeNull();

    // A correct HMAC-SHA256 entry appended after the sm head, as someone holding the key could.
    const content = { at: Date.now(), actorType: 'system', actorId: null, action: 'test.forged', objectType: 'test', objectId: 'x', result: 'ok', detail: null, terminal: null };
    const id = kept.id + 1;
    await c.db.insert(auditLog).values({ id, ...content, prevMac: kept.mac, mac: entryMacUnder('intl', c.key, id, content, kept.mac) }).run();
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id, reason: 'profile' });
    const run = await cli(c);
    expect(run.out[0]).toBe(`audit chain BROKEN at entry ${id} (profile: the MAC algorithm changes here without a valid signed link (audit.mac_switched), or goes back from SM3 to SHA-256)`);
    expect(run.code).toBe(1);
  });

  it('breaks when the link is deleted, also when what follows is re-chained around it', async () => {
    const { c, link } = await switchedChain(43);
    await c.db.delete(auditLog).where(eq(auditLog.id, link.id)).run();
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id: link.id + 1, reason: 'link' });
    await rechain(c, link.id + 1);
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id: link.id + 1, reason: 'profile' });
  });

  it('breaks on a link whose signature was altered, signed by another key, or pointing back to intl', async () => {
    const { c, link, all } = await switchedChain(44);
    const d = JSON.parse(link.detail!) as Record<string, string | number>;
    const sig = String(d.signature);
    const flipped = sig.slice(0, -2) + (sig.endsWith('00') ? '01' : '00');
    await c.db.update(auditLog).set({ detail: JSON.stringify({ ...d, signature: flipped }) }).where(eq(auditLog.id, link.id)).run();
    await rechain(c, link.id);
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id: link.id, reason: 'profile' });

    // Validly signed, but by an SM2 key that is not the portal's.
    const other = { seed: Buffer.alloc(32, 9), publicKeyHex: signerFor(Buffer.alloc(32, 9)).publicKeyHex };
    await c.db.update(auditLog).set({ detail: JSON.stringify(linkDetail(other, 'intl', 'sm', all[2]!)) }).where(eq(auditLog.id, link.id)).run();
    await rechain(c, link.id);
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id: link.id, reason: 'profile' });

    // The genuine link again: whole.
    await c.db.update(auditLog).set({ detail: link.detail }).where(eq(auditLog.id, link.id)).run();
    await rechain(c, link.id);
    expect((await verifyChain(c.db, c.key)).broken).toBeNull();

    // A correctly signed and MACed link back from sm to intl is a downgrade.
    const head = (await entries(c)).at(-1)!;
    const portal = { seed: deriveKeys(loadMasterKey({ dataDir: dirs.at(-1)!, masterKey: null } as never), 'sm')['manifest-signing'], publicKeyHex: String(d.publicKey) };
    const back = { at: Date.now(), actorType: 'system', actorId: null, action: LINK_ACTION, objectType: 'audit_chain', objectId: 'intl', result: 'ok', detail: JSON.stringify(linkDetail(portal, 'sm', 'intl', head)), terminal: null };
    await c.db.insert(auditLog).values({ id: head.id + 1, ...back, prevMac: head.mac, mac: entryMacUnder('intl', c.key, head.id + 1, back, head.mac) }).run();
    expect((await verifyChain(c.db, c.key)).broken).toEqual({ id: head.id + 1, reason: 'profile' });
  });

  it('writes one link when appends race at the switch', async () => {
    const c = await emptyChain(45);
    for (const n of ['a', 'b']) await note(c, n);
    useCryptoProfile('sm');
    await Promise.all([...['c', 'd', 'e', 'f', 'g'].map((n) => note(c, n)), linkChainToProfile(c.db, c.keys), linkChainToProfile(c.db, c.keys)]);
    const all = await entries(c);
    expect(all.filter((e) => e.action === LINK_ACTION)).toHaveLength(1);
    expect(all).toHaveLength(8);
    expect(all.map((e) => macProfile(e.mac))).toEqual(['intl', 'intl', 'sm', 'sm', 'sm', 'sm', 'sm', 'sm']);
    expect((await verifyChain(c.db, c.key)).broken).toBeNull();
  });

  it('keeps writing intl where the signing key is unknown, until keys:rotate links the chain', async () => {
    const c = await emptyChain(46, false);
    await note(c, 'a');
    useCryptoProfile('sm');
    await note(c, 'b');
    expect((await entries(c)).map((e) => macProfile(e.mac))).toEqual(['intl', 'intl']);
    expect((await linkChainToProfile(c.db, c.keys))?.action).toBe(LINK_ACTION);
    await note(c, 'c');
    expect((await entries(c)).map((e) => macProfile(e.mac))).toEqual(['intl', 'intl', 'sm', 'sm']);
    expect((await verifyChain(c.db, c.key)).broken).toBeNull();
  });

  it('starts a new chain under sm without a link', async () => {
    const c = await emptyChain(47);
    useCryptoProfile('sm');
    await note(c, 'a');
    await note(c, 'b');
    expect(await linkChainToProfile(c.db, c.keys)).toBeNull();
    expect((await entries(c)).map((e) => [e.action, macProfile(e.mac)])).toEqual([['test.step', 'sm'], ['test.step', 'sm']]);
    expect((await verifyChain(c.db, c.key)).broken).toBeNull();
  });

  it('verifies a link moved into an archive file, and the live chain after it', async () => {
    const c = await emptyChain(48);
    const old = Date.parse('2026-01-10T00:00:00Z');
    for (const n of ['a', 'b']) await note(c, n, old);
    useCryptoProfile('sm');
    for (const n of ['c', 'd']) await note(c, n, old);
    const dir = archiveDir(dirs.at(-1)!);
    expect(await archiveDue({ db: c.db, key: c.key, dataDir: dirs.at(-1)!, onlineDays: 180 })).toHaveLength(1);
    await note(c, 'e');
    expect(await c.db.select().from(auditLog).where(gte(auditLog.id, 1)).all()).toHaveLength(1);
    const trail = await verifyAuditTrail(c.db, c.key, dir);
    expect(trail).toMatchObject({ archives: 1, archived: 5, checked: 1, broken: null, archiveProblem: null });
    const run = await cli(c);
    expect(run.out).toContain('audit chain ok: 1 entries');
    expect(run.code).toBe(0);

    // The archive rewritten without its link by a holder of the key: entries re-chained, the file's
    // digest and the row (with its MAC) made to match, the live entry re-chained after it.
    const [row] = await c.db.select().from(auditArchives).all();
    const file = path.join(dir, row!.fileName);
    let previous = row!.startMac;
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StoredEntry).filter((e) => e.action !== LINK_ACTION).map((e) => {
      const mac = entryMacUnder(macProfile(e.mac)!, c.key, e.id, e, previous);
      const line = { ...e, prevMac: previous, mac };
      previous = mac;
      return line;
    });
    const text = lines.map((e) => `${entryLine(e)}\n`).join('');
    fs.writeFileSync(file, text);
    const fields = { ...row!, entryCount: lines.length, lastMac: previous, fileSha256: crypto.createHash('sha256').update(text).digest('hex') };
    await c.db.update(auditArchives).set({ entryCount: fields.entryCount, lastMac: fields.lastMac, fileSha256: fields.fileSha256, mac: archiveMac(c.key, fields) }).where(eq(auditArchives.id, row!.id)).run();
    await rechain(c, 1, previous);
    const forged = await verifyAuditTrail(c.db, c.key, dir);
    expect(forged.archiveProblem).toEqual({ month: row!.month, reason: 'profile' });
    const cliRun = await cli(c);
    expect(cliRun.out[0]).toMatch(/^audit archive 2026-01 BROKEN \(profile: /);
    expect(cliRun.code).toBe(1);
  });

  it('is linked by keys:rotate at its start, before anything else is written under sm', async () => {
    const c = await emptyChain(49, false);
    for (const n of ['a', 'b']) await note(c, n);
    const io = capture();
    expect(await rotateCli(['--to', 'sm'], { ...c.env, SUNSHINE_CRYPTO: 'sm' }, io)).toBe(0);
    expect(io.stdout).toContain('audit chain: signed link entry written, the chain continues under sm');
    const all = await entries(c);
    expect(all.map((e) => [e.action, macProfile(e.mac)])).toEqual([['test.step', 'intl'], ['test.step', 'intl'], [LINK_ACTION, 'sm'], ['keys.rotated', 'sm']]);
    const again = capture();
    expect(await rotateCli(['--to', 'sm'], { ...c.env, SUNSHINE_CRYPTO: 'sm' }, again)).toBe(0);
    expect(again.stdout.join('\n')).not.toMatch(/signed link/);
    expect((await entries(c)).filter((e) => e.action === LINK_ACTION)).toHaveLength(1);
    const run = await cli(c);
    expect(run.out[0]).toBe('audit chain ok: 5 entries');
    expect(run.code).toBe(0);
  });
});
