// Writing the audit chain across a switch of crypto profile (issue 23): which MAC a new entry gets,
// and the signed link entry (link-entry.ts) written once, by whichever writer first appends after
// the switch — inside the append's own transaction and write lock, so two nodes never both write it.
import type { Executor } from '../db/executor.js';
import { asOneWriter } from '../db/transaction.js';
import { activeProfile } from '../shared/crypto/index.js';
import { entryMacUnder, GENESIS_MAC, type AuditContent, type StoredEntry } from './chain.js';
import { chainProfileAfter, isUpgrade, LINK_ACTION, linkDetail, linkSignerFor, registerChainKeys, type ChainKeys } from './link-entry.js';
import * as repo from './repository.js';

/**
 * The rows to append after `head`: the link first when the chain is under intl, the active profile
 * is sm and this process knows the signing key (registerChainKeys), then `content` (if any).
 *
 * Otherwise an entry keeps the head's profile: without the signing key the chain waits under intl
 * for a writer that has it (keys:rotate links at its start), and a node still (or again) running
 * intl after the link writes HMAC-SM3 too, because the chain never goes back (no downgrade). An
 * empty chain starts under the active profile.
 */
export function nextEntries(key: Buffer, head: repo.ChainHead | null, content: AuditContent | null, now: number): StoredEntry[] {
  const active = activeProfile();
  const prevMac = head?.mac ?? GENESIS_MAC;
  let id = (head?.id ?? 0) + 1;
  let previous = { id: id - 1, mac: prevMac };
  let profile = chainProfileAfter(prevMac) ?? active;
  const rows: StoredEntry[] = [];
  const signer = linkSignerFor(key);
  if (head && signer && isUpgrade(profile, active)) {
    const link: AuditContent = { at: now, actorType: 'system', actorId: null, action: LINK_ACTION, objectType: 'audit_chain', objectId: active, result: 'ok', detail: JSON.stringify(linkDetail(signer, profile, active, head)), terminal: null };
    const mac = entryMacUnder(active, key, id, link, prevMac);
    rows.push({ id, ...link, prevMac, mac });
    previous = { id, mac };
    id += 1;
    profile = active;
  }
  if (content) rows.push({ id, ...content, terminal: content.terminal ?? null, prevMac: previous.mac, mac: entryMacUnder(profile, key, id, content, previous.mac) });
  return rows;
}

/**
 * Links the chain to the active profile when its head is under another (intl → sm): appends the
 * signed `audit.mac_switched` entry and returns it; null when there is nothing to link (already
 * linked, an empty chain, or no upgrade). Idempotent; keys:rotate calls it at its start, and every
 * append does the same on its own once the keys are registered, which this call also does.
 */
export async function linkChainToProfile(db: Executor, keys: ChainKeys, now = Date.now()): Promise<StoredEntry | null> {
  registerChainKeys(keys);
  const rows = await asOneWriter(db, (tx) => repo.appendAfterHead(tx, (head) => nextEntries(keys['audit-mac'], head, null, now)));
  return rows[0] ?? null;
}
