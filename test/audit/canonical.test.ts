// The audit MAC covers a canonical serialization that does not depend on column types (issue 21):
// an entry read back from PostgreSQL — a moment as a Date or as timestamptz text, an id as a bigint
// or a numeric string (int8, a driver without type parsers) — gives the MAC it was written with on SQLite.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryMac, firstBrokenEntry, GENESIS_MAC, type AuditContent, type StoredEntry } from '../../src/audit/chain.js';

const key = crypto.randomBytes(32);
const at = Date.parse('2026-03-04T05:06:07.089Z');
const content: AuditContent = { at, actorType: 'staff', actorId: 12, action: 'report.view', objectType: 'report', objectId: '7', result: 'ok', detail: '{"a":1}', terminal: '{"ip":"10.0.0.1"}' };

describe('audit MAC, canonical serialization', () => {
  const written = entryMac(key, 41, content, GENESIS_MAC);

  it('is the same whatever types the driver returns for moments and ids', () => {
    const asRead = [
      { ...content, at: new Date(at) },
      { ...content, at: '2026-03-04 13:06:07.089+08' },
      { ...content, at: String(at) },
      { ...content, at: BigInt(at), actorId: BigInt(12) },
      { ...content, actorId: '12' },
    ] as unknown as AuditContent[];
    for (const c of asRead) expect(entryMac(key, 41, c, GENESIS_MAC)).toBe(written);
    expect(entryMac(key, BigInt(41) as unknown as number, content, GENESIS_MAC)).toBe(written);
    expect(entryMac(key, '41' as unknown as number, content, GENESIS_MAC)).toBe(written);
  });

  it('still tells a changed moment, actor or missing terminal apart', () => {
    expect(entryMac(key, 41, { ...content, at: at + 1 }, GENESIS_MAC)).not.toBe(written);
    expect(entryMac(key, 41, { ...content, actorId: null }, GENESIS_MAC)).not.toBe(written);
    expect(entryMac(key, 41, { ...content, terminal: null }, GENESIS_MAC)).not.toBe(written);
  });

  it('verifies a chain read back as PostgreSQL rows without type parsers', () => {
    const first: StoredEntry = { id: 1, ...content, prevMac: GENESIS_MAC, mac: entryMac(key, 1, content, GENESIS_MAC) };
    const second: StoredEntry = { id: 2, ...content, actorId: null, actorType: 'system', prevMac: first.mac, mac: '' };
    second.mac = entryMac(key, 2, second, first.mac);
    const fromPg = [first, second].map((e) => ({ ...e, id: String(e.id), at: new Date(e.at) })) as unknown as StoredEntry[];
    expect(firstBrokenEntry(key, fromPg)).toBeNull();
  });
});
