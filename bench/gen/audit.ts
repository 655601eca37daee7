// Appends audit entries in bulk exactly as src/audit/repository.ts appendEntry() does (same
// canonical content, same HMAC chain under the audit-mac key), but with a prepared statement and
// the chain head kept in memory instead of read back for every entry. `npm run audit:verify`
// accepts the result.
import type Database from 'better-sqlite3';
import { GENESIS_MAC, entryMac, type AuditContent } from '../../src/audit/chain.js';

export type BulkActor = { type: 'reporter' } | { type: 'system' } | { type: 'staff'; id: number };

export class AuditWriter {
  private lastId: number;
  private lastMac: string;
  private readonly insert: Database.Statement;
  count = 0;

  constructor(
    sqlite: Database.Database,
    private readonly key: Buffer,
  ) {
    const last = sqlite.prepare('SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; mac: string } | undefined;
    this.lastId = last?.id ?? 0;
    this.lastMac = last?.mac ?? GENESIS_MAC;
    this.insert = sqlite.prepare(
      'INSERT INTO audit_log (id, at, actor_type, actor_id, action, object_type, object_id, result, detail, prev_mac, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** As record(): staff actors keep their id, others none; detail as JSON; result 'ok' by default. */
  append(at: number, actor: BulkActor, action: string, object: { type: string; id: string | number }, detail?: Record<string, unknown>, result = 'ok'): void {
    const content: AuditContent = {
      at,
      actorType: actor.type,
      actorId: actor.type === 'staff' ? actor.id : null,
      action,
      objectType: object.type,
      objectId: String(object.id),
      result,
      detail: detail ? JSON.stringify(detail) : null,
    };
    const id = this.lastId + 1;
    const mac = entryMac(this.key, id, content, this.lastMac);
    this.insert.run(id, content.at, content.actorType, content.actorId, content.action, content.objectType, content.objectId, content.result, content.detail, this.lastMac, mac);
    this.lastId = id;
    this.lastMac = mac;
    this.count++;
  }
}
