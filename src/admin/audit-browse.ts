// Browsing the audit log (DESIGN.md §4): filters from the query string, newest first, keyset pages
// of 100. Administrators of 省民政厅 see every entry; other administrators see the entries whose
// actor is a user of their scope (system and reporter entries say nothing about their users).
import fs from 'node:fs';
import path from 'node:path';
import { archiveDir, auditPage, listArchives, signatureFileName, verifyAuditTrail, type AuditFilter, type AuditVerification } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { withTransaction } from '../db/transaction.js';
import type { Keys } from '../plugins/keys.js';
import { addDays } from '../clocks/index.js';
import { findUsers, userIdsMatching, userInUnits } from '../users/index.js';
import type { AdminScope } from './scope.js';
import { parseDateInput } from '../shared/date-input.js';
import { rowIdOf } from '../db/dialect.js';

export const AUDIT_PAGE_SIZE = 100;
const ACTOR_TYPES = ['staff', 'system', 'reporter'] as const;

export interface AuditQuery {
  actor: string;
  actorType: string;
  action: string;
  objectType: string;
  objectId: string;
  from: string;
  to: string;
}

const clean = (v: string | undefined, max = 100) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

export function readAuditQuery(q: Record<string, string | undefined>): AuditQuery {
  return {
    actor: clean(q.actor),
    actorType: (ACTOR_TYPES as readonly string[]).includes(q.actor_type ?? '') ? q.actor_type! : '',
    action: /^[a-z0-9._-]{1,60}$/.test(clean(q.action)) ? clean(q.action) : '',
    objectType: /^[a-z0-9_-]{1,40}$/.test(clean(q.object_type)) ? clean(q.object_type) : '',
    objectId: /^[A-Za-z0-9._:-]{1,60}$/.test(clean(q.object_id)) ? clean(q.object_id) : '',
    from: parseDateInput(clean(q.from)) ?? '',
    to: parseDateInput(clean(q.to)) ?? '',
  };
}

/** The start of a China calendar date as epoch milliseconds. */
const cstStart = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

export async function browseAudit(db: Db, scope: AdminScope, q: AuditQuery, beforeId?: number) {
  let actorIds: number[] | undefined;
  // A number is a user id; one no user can have (beyond MAX_ROW_ID) matches nobody.
  const actorId = rowIdOf(q.actor);
  if (q.actor) actorIds = /^\d+$/.test(q.actor) ? (actorId ? [actorId] : []) : await userIdsMatching(db, q.actor);
  const fromMs = q.from && !Number.isNaN(cstStart(q.from)) ? cstStart(q.from) : undefined;
  let toMs: number | undefined;
  try {
    toMs = q.to ? cstStart(addDays(q.to, 1)) : undefined;
  } catch {
    toMs = undefined;
  }
  const unitIds = scope.unitIds;
  const page = await auditPage(db, {
    staffActorWhere: scope.top ? null : (actorId) => userInUnits(actorId, unitIds),
    actorIds,
    actorType: (q.actorType || undefined) as AuditFilter['actorType'],
    actionPrefix: q.action || undefined,
    objectType: q.objectType || undefined,
    objectId: q.objectId || undefined,
    fromMs,
    toMs,
    beforeId,
    limit: AUDIT_PAGE_SIZE,
  });
  const names = new Map((await findUsers(db, [...new Set(page.rows.map((r) => r.actorId).filter((id): id is number => id !== null))])).map((u) => [u.id, u]));
  const rows = page.rows.map((r) => {
    const user = r.actorType === 'staff' && r.actorId !== null ? names.get(r.actorId) : undefined;
    return {
      id: r.id,
      at: r.at,
      actorType: r.actorType,
      actorId: r.actorId,
      actorName: user ? `${user.displayName}（${user.username}）` : null,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      result: r.result,
      detail: r.detail,
      terminal: readTerminal(r.terminal),
    };
  });
  const last = page.rows[page.rows.length - 1];
  return { rows, nextCursor: page.more && last ? last.id : null };
}

/** The query string of the filters, for the next-page link. */
export function auditQueryString(q: AuditQuery): string {
  const params = new URLSearchParams();
  const pairs: [string, string][] = [
    ['actor', q.actor],
    ['actor_type', q.actorType],
    ['action', q.action],
    ['object_type', q.objectType],
    ['object_id', q.objectId],
    ['from', q.from],
    ['to', q.to],
  ];
  for (const [k, v] of pairs) if (v) params.set(k, v);
  return params.toString();
}

/** A staff entry's terminal for display; anything unexpected shows as nothing. */
function readTerminal(raw: string | null | undefined): { ip: string; ua: string } | null {
  if (!raw) return null;
  try {
    const t = JSON.parse(raw) as { ip?: unknown; ua?: unknown };
    return { ip: typeof t.ip === 'string' ? t.ip : '', ua: typeof t.ua === 'string' ? t.ua : '' };
  } catch {
    return null;
  }
}

export type VerifyOutcome = AuditVerification;

/** Verifies the archives and the live chain (src/audit verifyAuditTrail), for the page. */
export async function verifyAudit(deps: { db: Db; keys: Keys; config: { dataDir: string } }): Promise<VerifyOutcome> {
  // One transaction: the head read is the last entry the walk saw, even while others append.
  return withTransaction(deps.db, (tx) => verifyAuditTrail(tx, deps.keys['audit-mac'], archiveDir(deps.config.dataDir)));
}

/**
 * The archives, newest first, for the page's list; `signed` says whether its SM2 signature file
 * (`<file>.sig`, issue 23) is there to download — whether it verifies is the verification's task.
 */
export async function archiveList(db: Db, dataDir: string) {
  const dir = archiveDir(dataDir);
  return (await listArchives(db)).reverse().map((a) => ({
    id: a.id,
    month: a.month,
    firstId: a.firstId,
    lastId: a.lastId,
    entryCount: a.entryCount,
    lastMac: a.lastMac,
    fileSha256: a.fileSha256,
    createdAt: a.createdAt,
    signed: fs.existsSync(path.join(dir, signatureFileName(path.basename(a.fileName)))),
  }));
}
