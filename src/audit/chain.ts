import { hmacHex, sameDigest } from '../shared/crypto.js';
import { macWith, verifyMac, type CryptoProfileName } from '../shared/crypto/index.js';
import { linkSignerFor, profileHolds } from './link-entry.js';

export interface AuditContent {
  at: number;
  actorType: string;
  actorId: number | null;
  action: string;
  objectType: string;
  objectId: string;
  result: string;
  detail: string | null;
  /** Staff entries only: JSON { ip, ua } of the request that made the entry. */
  terminal?: string | null;
}

export const GENESIS_MAC = '0'.repeat(64);

/**
 * Canonical bytes of an entry: a JSON array in fixed order, so no field can be moved unseen. The
 * terminal is appended only when present, so entries written before it existed (and every
 * reporter or system entry) serialise exactly as they always did and old chains still verify.
 */
function canonical(id: number, c: AuditContent): string {
  const fields: unknown[] = [whole(id), moment(c.at), String(c.actorType), c.actorId == null ? null : whole(c.actorId), String(c.action), String(c.objectType), String(c.objectId), String(c.result), c.detail == null ? null : String(c.detail)];
  if (c.terminal != null) fields.push(String(c.terminal));
  return JSON.stringify(fields);
}

/**
 * The values as the MAC sees them, whatever the column types and the driver made of them (issue 21:
 * an entry copied from SQLite to PostgreSQL must still verify): ids as plain numbers — also when a
 * driver hands out a bigint or a numeric string — and moments as milliseconds since the epoch, also
 * when they arrive as a Date or a timestamp's text. JSON.stringify would otherwise write a Date as
 * its ISO text, throw on a bigint, and quote a string.
 */
function whole(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value as string | bigint);
  if (!Number.isSafeInteger(n)) throw new Error(`audit entry: ${String(value)} is not a whole number`);
  return n;
}

function moment(value: unknown): number {
  if (value instanceof Date) return whole(value.getTime());
  if (typeof value === 'string' && !/^-?\d+$/.test(value)) return whole(Date.parse(value));
  return whole(value);
}

export function entryMac(key: Buffer, id: number, content: AuditContent, prevMac: string): string {
  return hmacHex(key, `${prevMac}\n${canonical(id, content)}`);
}

/** The entry's MAC under a given profile: the chain keeps its head's profile (see link-entry.ts). */
export function entryMacUnder(profile: CryptoProfileName, key: Buffer, id: number, content: AuditContent, prevMac: string): string {
  return macWith(profile, key, `${prevMac}\n${canonical(id, content)}`);
}

/**
 * Whether `stored` is the entry's MAC under the algorithm it names (HMAC-SHA256, or HMAC-SM3 with
 * the `sm3:` prefix): a chain written under the intl profile and continued under SM (issue 23)
 * verifies entry by entry, each under its own profile's member of the key family.
 */
export function entryMacHolds(key: Buffer, id: number, content: AuditContent, prevMac: string, stored: string): boolean {
  return verifyMac(key, `${prevMac}\n${canonical(id, content)}`, stored);
}

export interface StoredEntry extends AuditContent {
  id: number;
  prevMac: string;
  mac: string;
}

/**
 * link: prevMac is not the MAC before it; mac: its MAC does not hold; profile: its MAC profile
 * differs from the entry before without a valid signed link, or a link is forged or points back
 * to intl (link-entry.ts).
 */
export type ChainBreakReason = 'mac' | 'link' | 'profile';
export type ChainBreak = { id: number; reason: ChainBreakReason };

/** Why `e` cannot follow an entry whose MAC is `previous`, or null when it can. */
export function entryBreak(key: Buffer, e: StoredEntry, previous: string): ChainBreakReason | null {
  if (typeof e.prevMac !== 'string' || typeof e.mac !== 'string' || !sameDigest(e.prevMac, previous)) return 'link';
  if (!entryMacHolds(key, e.id, e, e.prevMac, e.mac)) return 'mac';
  if (!profileHolds(e, linkSignerFor(key))) return 'profile';
  return null;
}

/** The first entry whose link, MAC or profile does not hold, or null when the chain is whole. */
export function firstBrokenEntry(key: Buffer, entries: Iterable<StoredEntry>, startMac = GENESIS_MAC): ChainBreak | null {
  let previous = startMac;
  for (const e of entries) {
    const reason = entryBreak(key, e, previous);
    if (reason) return { id: e.id, reason };
    previous = e.mac;
  }
  return null;
}

/** What an archive row's MAC covers: where the archived run starts and ends, and its file. */
export interface ArchiveFields {
  month: string;
  firstId: number;
  lastId: number;
  entryCount: number;
  startMac: string;
  lastMac: string;
  fileName: string;
  fileSha256: string;
  createdAt: number;
}

/** The row MAC; its prefix cannot start an entry's input (that starts with 64 hex digits). */
export function archiveMac(key: Buffer, a: ArchiveFields): string {
  return hmacHex(key, archiveMacInput(a));
}

/** Whether `stored` is the archive row's MAC under the algorithm it names (see entryMacHolds). */
export function archiveMacHolds(key: Buffer, a: ArchiveFields, stored: string): boolean {
  return verifyMac(key, archiveMacInput(a), stored);
}

function archiveMacInput(a: ArchiveFields): string {
  return `audit-archive\n${JSON.stringify([a.month, a.firstId, a.lastId, a.entryCount, a.startMac, a.lastMac, a.fileName, a.fileSha256, a.createdAt])}`;
}

/**
 * An audit_log row as a driver returns it under the table's SQL names (a database copy reads it
 * below drizzle), as the entry the MAC covers; the values keep whatever types the driver gave them,
 * which the canonical serialization makes no matter.
 */
export function entryFromRow(row: Record<string, unknown>): StoredEntry {
  return {
    id: row.id as number,
    at: row.at as number,
    actorType: row.actor_type as string,
    actorId: row.actor_id as number | null,
    action: row.action as string,
    objectType: row.object_type as string,
    objectId: row.object_id as string,
    result: row.result as string,
    detail: row.detail as string | null,
    terminal: row.terminal as string | null,
    prevMac: row.prev_mac as string,
    mac: row.mac as string,
  };
}
