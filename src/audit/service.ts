import type { Executor } from '../db/executor.js';
import { asOneWriter } from '../db/transaction.js';
import { GENESIS_MAC, firstBrokenEntry, type ChainBreakReason, type StoredEntry } from './chain.js';
import * as repo from './repository.js';
import { currentStaffTerminal } from './terminal.js';
import { LINK_ACTION } from './link-entry.js';
import { nextEntries } from './profile-link.js';

export type Actor = { type: 'reporter'; id?: null } | { type: 'staff'; id: number } | { type: 'system'; id?: null };

export interface AuditRecord {
  actor: Actor;
  action: string;
  object: { type: string; id: string | number };
  result?: string;
  detail?: Record<string, unknown>;
}

/**
 * Records one step. Never put identities or report text in `detail`: the log is read by administrators.
 * A staff entry made during a staff request carries that request's terminal; no other entry does.
 */
export async function record(db: Executor, key: Buffer, entry: AuditRecord, now = Date.now()): Promise<StoredEntry> {
  // Only the chain itself writes a link (profile-link.ts); one recorded by a feature would break it.
  if (entry.action === LINK_ACTION) throw new Error(`${LINK_ACTION} is written by the audit chain only`);
  const terminal = entry.actor.type === 'staff' ? currentStaffTerminal() : null;
  const content = {
    at: now,
    actorType: entry.actor.type,
    actorId: entry.actor.type === 'staff' ? entry.actor.id : null,
    action: entry.action,
    objectType: entry.object.type,
    objectId: String(entry.object.id),
    result: entry.result ?? 'ok',
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    terminal,
  };
  // One writer at a time reads the head and adds the next entry (after the signed link, at a switch
  // of crypto profile), on every node: no fork, no gap, one link.
  const rows = await asOneWriter(db, (tx) => repo.appendAfterHead(tx, (head) => nextEntries(key, head, content, now)));
  return rows[rows.length - 1]!;
}

/** start: the first live entry does not continue the last archive; the others as in ChainBreak. */
export type LiveChainBreak = { id: number; reason: ChainBreakReason | 'start' };

/**
 * Walks the live chain in pages; returns the first broken entry or null. The first live entry must
 * continue the last archive (or, with none, the genesis MAC): otherwise the oldest live entries were
 * removed ('start'), which archiving must not make look legitimate.
 */
export async function verifyChain(db: Executor, key: Buffer, pageSize = 5000): Promise<{ checked: number; broken: LiveChainBreak | null }> {
  let checked = 0;
  let afterId = 0;
  let previousMac = (await repo.lastArchive(db))?.lastMac ?? GENESIS_MAC;
  for (;;) {
    const page = await repo.entriesAfter(db, afterId, pageSize);
    if (page.length === 0) return { checked, broken: null };
    const broken = firstBrokenEntry(key, page, previousMac);
    if (broken) return { checked, broken: checked === 0 && broken.id === page[0]!.id && broken.reason === 'link' ? { ...broken, reason: 'start' } : broken };
    checked += page.length;
    afterId = page[page.length - 1]!.id;
    previousMac = page[page.length - 1]!.mac;
  }
}
