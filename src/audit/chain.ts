import { hmacHex, sameDigest } from '../shared/crypto.js';

export interface AuditContent {
  at: number;
  actorType: string;
  actorId: number | null;
  action: string;
  objectType: string;
  objectId: string;
  result: string;
  detail: string | null;
}

export const GENESIS_MAC = '0'.repeat(64);

/** Canonical bytes of an entry: a JSON array in fixed order, so no field can be moved unseen. */
function canonical(id: number, c: AuditContent): string {
  return JSON.stringify([id, c.at, c.actorType, c.actorId, c.action, c.objectType, c.objectId, c.result, c.detail]);
}

export function entryMac(key: Buffer, id: number, content: AuditContent, prevMac: string): string {
  return hmacHex(key, `${prevMac}\n${canonical(id, content)}`);
}

export interface StoredEntry extends AuditContent {
  id: number;
  prevMac: string;
  mac: string;
}

/** The first entry whose MAC or link does not hold, or null when the chain is whole. */
export function firstBrokenEntry(key: Buffer, entries: Iterable<StoredEntry>, startMac = GENESIS_MAC): { id: number; reason: 'mac' | 'link' } | null {
  let previous = startMac;
  for (const e of entries) {
    if (!sameDigest(e.prevMac, previous)) return { id: e.id, reason: 'link' };
    if (!sameDigest(e.mac, entryMac(key, e.id, e, e.prevMac))) return { id: e.id, reason: 'mac' };
    previous = e.mac;
  }
  return null;
}
