// Many reports at once for the inbox tests (issue 19 item 13): copies of one filed report made by a
// single INSERT … SELECT, so a test can have thousands of rows in a second. Each copy gets its own
// case number (JL2099-nnnnnn), receipt digest and arrival time; everything else is the original's.
import { getTableColumns, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { onPostgres } from '../../../src/db/engine.js';
import { reports } from '../../../src/reports/tables.js';

/** Inserts `n` copies of report `sourceId`; the k-th (1-based) arrives at `newestAt - (k - 1) * stepMs`. Returns their ids, newest first. */
export async function cloneReports(app: FastifyInstance, sourceId: number, n: number, opts: { newestAt?: number; stepMs?: number; prefix?: string } = {}): Promise<number[]> {
  const columns = Object.values(getTableColumns(reports)).map((c) => c.name).filter((c) => c !== 'id');
  const newestAt = opts.newestAt ?? Date.parse('2026-03-01T10:00:00+08:00');
  const step = opts.stepMs ?? 60_000;
  const prefix = opts.prefix ?? 'JL2099-';
  const value = (c: string) => {
    switch (c) {
      case 'case_no':
        return `'${prefix}' || ${onPostgres ? "lpad(k::text, 6, '0')" : "printf('%06d', k)"}`;
      case 'receipt_digest':
        return `'clone-${prefix}' || k`;
      case 'submission_digest':
      case 'receipt_for_retry':
        return 'NULL';
      case 'received_at':
      case 'updated_at':
        // Milliseconds on SQLite; a timestamptz on PostgreSQL.
        return onPostgres ? `to_timestamp((${newestAt} - (k - 1) * ${step}) / 1000.0)` : `${newestAt} - (k - 1) * ${step}`;
      default:
        return `"${c}"`;
    }
  };
  const before = (await app.db.get<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM reports`)).n;
  await app.db.run(
    sql`WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < ${n})
       INSERT INTO reports (${sql.raw(columns.map((c) => `"${c}"`).join(', '))})
       SELECT ${sql.raw(columns.map(value).join(', '))} FROM seq, reports WHERE reports.id = ${sourceId} ORDER BY k`,
  );
  return (await app.db.all<{ id: number }>(sql`SELECT id FROM reports WHERE id > ${before} ORDER BY id`)).map((r) => r.id);
}

/** Report ids linked from an inbox page, in the order shown. */
export function idsOnPage(html: string): number[] {
  return [...html.matchAll(/<a href="\/staff\/reports\/(\d+)">/g)].map((m) => Number(m[1]));
}

/** The href of the link with this rel, unescaped, or null. */
export function linkOf(html: string, rel: 'next' | 'prev'): string | null {
  return new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') ?? null;
}
