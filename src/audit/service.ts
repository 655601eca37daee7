import type { Executor } from '../db/executor.js';
import { GENESIS_MAC, firstBrokenEntry, type StoredEntry } from './chain.js';
import * as repo from './repository.js';

export type Actor = { type: 'reporter'; id?: null } | { type: 'staff'; id: number } | { type: 'system'; id?: null };

export interface AuditRecord {
  actor: Actor;
  action: string;
  object: { type: string; id: string | number };
  result?: string;
  detail?: Record<string, unknown>;
}

/** Records one step. Never put identities or report text in `detail`: the log is read by administrators. */
export function record(db: Executor, key: Buffer, entry: AuditRecord, now = Date.now()): StoredEntry {
  return repo.appendEntry(db, key, {
    at: now,
    actorType: entry.actor.type,
    actorId: entry.actor.type === 'staff' ? entry.actor.id : null,
    action: entry.action,
    objectType: entry.object.type,
    objectId: String(entry.object.id),
    result: entry.result ?? 'ok',
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  });
}

/** Walks the whole chain in pages; returns the first broken entry or null. */
export function verifyChain(db: Executor, key: Buffer, pageSize = 5000): { checked: number; broken: { id: number; reason: 'mac' | 'link' } | null } {
  let checked = 0;
  let afterId = 0;
  let previousMac = GENESIS_MAC;
  for (;;) {
    const page = repo.entriesAfter(db, afterId, pageSize);
    if (page.length === 0) return { checked, broken: null };
    const broken = firstBrokenEntry(key, page, previousMac);
    if (broken) return { checked, broken };
    checked += page.length;
    afterId = page[page.length - 1]!.id;
    previousMac = page[page.length - 1]!.mac;
  }
}
