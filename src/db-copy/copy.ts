// Moves an SQLite portal to PostgreSQL (issue 21): `npm run db:copy -- --to postgres://…`. The target
// must be empty; it is migrated, then every table is copied in the order of its foreign keys, a batch
// of rows at a time, in one transaction: values converted to PostgreSQL's types (convert.ts), the
// full-text tables' tokens made tsvectors, the tables' triggers off while their change stamps are
// copied as they are, every identity and the case-number sequence set past the copied numbers, the
// row counts compared and the audit chain verified before the commit — a failure leaves the target
// empty. Evidence files go to the store the nodes share; query codes are HMACs under the same master
// key, so they keep working as long as the nodes get that key.
import fs from 'node:fs';
import path from 'node:path';
import { entryFromRow, firstBrokenEntry, GENESIS_MAC } from '../audit/index.js';
import { databaseFile, MIGRATIONS_DIR } from '../db/connection.js';
import { closePostgres, migratePostgres, openPostgres } from '../db/postgres/connection.js';
import { converterFor } from './convert.js';
import { CopyError } from './errors.js';
import { checkEvidence, copyEvidence, removeEvidence } from './evidence-files.js';
import { dependencyOrder } from './order.js';
import * as source from './source-repository.js';
import * as target from './target-repository.js';

export interface CopyOptions {
  /** The SQLite portal's DATA_DIR. */
  dataDir: string;
  /** Where the SQLite portal keeps its evidence (its SUNSHINE_EVIDENCE_DIR); null: DATA_DIR/files. */
  sourceEvidenceDir: string | null;
  /** The PostgreSQL database: empty, or only migrated. */
  to: string;
  /** The store the PostgreSQL nodes share (their SUNSHINE_EVIDENCE_DIR); null: leave the files where they are. */
  evidenceDir: string | null;
  /** The portal's master key: the audit chain is verified with it before and after. */
  auditKey: Buffer;
  /** Rows per INSERT statement at most (fewer for wide tables). */
  batchRows?: number;
  log?: (line: string) => void;
}

export interface CopyResult {
  tables: number;
  rows: number;
  auditEntries: number;
  evidenceFiles: number;
  evidenceCopied: number;
  evidenceDir: string;
}

/** Sequences no column owns, and the column whose largest value each continues (src/reports: case numbers, max(id) + 1 on SQLite). */
const FREE_SEQUENCES: Record<string, { table: string; column: string }> = {
  report_case_numbers: { table: 'reports', column: 'id' },
};

/** PostgreSQL's limit is 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;

/** SQLite's tables that have no counterpart to copy into: the migration journal (PostgreSQL keeps its own) and FTS5's shadow tables. */
function isSqliteOnly(name: string, tables: Map<string, source.SourceTable>): boolean {
  if (name === '__drizzle_migrations') return true;
  const shadow = /^(.+)_(data|idx|content|docsize|config)$/.exec(name);
  return !!shadow && tables.get(shadow[1]!)?.virtual === true;
}

function migrationCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Verifies a live chain read a page at a time; returns the entries checked. */
async function verifyLive(label: string, key: Buffer, startMac: string | null, page: (afterId: number) => Promise<Record<string, unknown>[]>): Promise<number> {
  let previous = startMac ?? GENESIS_MAC;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const rows = (await page(afterId)).map(entryFromRow);
    if (rows.length === 0) return checked;
    const broken = firstBrokenEntry(key, rows, previous);
    if (broken) throw new CopyError(1, `the audit chain of ${label} breaks at entry ${broken.id} (${broken.reason})`);
    checked += rows.length;
    afterId = Number(rows.at(-1)!.id);
    previous = rows.at(-1)!.mac;
  }
}

interface TablePlan {
  name: string;
  /** Target columns and the source column each is read from. */
  columns: { name: string; type: string; from: string }[];
}

function plan(sourceTables: Map<string, source.SourceTable>, targetTables: Map<string, target.TargetColumn[]>): TablePlan[] {
  const plans: TablePlan[] = [];
  for (const [name, columns] of targetTables) {
    const from = sourceTables.get(name);
    if (!from) throw new CopyError(2, `the SQLite database has no table ${name}: it is not of this version of the portal`);
    const mapped: TablePlan['columns'] = [];
    for (const c of columns) {
      if (from.columns.includes(c.name)) mapped.push({ name: c.name, type: c.type, from: c.name });
      // An FTS5 table's key is its rowid (the id in search_index_keys).
      else if (c.name === 'id' && from.virtual) mapped.push({ name: c.name, type: c.type, from: 'rowid' });
      else if (c.required) throw new CopyError(2, `${name}.${c.name} has no column in the SQLite database to be copied from`);
    }
    const lost = from.columns.filter((c) => !columns.some((t) => t.name === c));
    if (lost.length > 0) throw new CopyError(2, `${name}.${lost.join(', ')} has no column in PostgreSQL to be copied into`);
    plans.push({ name, columns: mapped });
  }
  for (const name of sourceTables.keys()) {
    if (!targetTables.has(name) && !isSqliteOnly(name, sourceTables)) throw new CopyError(2, `the SQLite table ${name} has no table in PostgreSQL to be copied into`);
  }
  return plans;
}

async function copyTable(src: source.Source, dst: target.Target, table: TablePlan, batchRows: number): Promise<number> {
  const perStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / table.columns.length)));
  let rowid = 0;
  const converters = table.columns.map((c, i) => converterFor(c.type, () => `${table.name}.${c.name} (rowid ${rowid}, column ${i + 1})`));
  let copied = 0;
  for (;;) {
    const rows = await source.rowsAfter(src, table.name, table.columns.map((c) => c.from), rowid, perStatement);
    if (rows.length === 0) return copied;
    const values = rows.map((row) => {
      rowid = row[0] as number;
      return row.slice(1).map((v, i) => converters[i]!(v));
    });
    await target.insertRows(dst, table.name, table.columns, values);
    copied += rows.length;
  }
}

/** Refuses a target with any row in any table: a copy never mixes two portals. */
async function checkEmpty(dst: target.Target, when: string): Promise<void> {
  const full = await target.tablesWithRows(dst);
  if (full.length > 0) throw new CopyError(2, `the target database is not empty${when} (rows in ${full.slice(0, 5).join(', ')}${full.length > 5 ? ' …' : ''}); copy only into a new database (createdb), before any node has started on it`);
}

export async function copyToPostgres(options: CopyOptions): Promise<CopyResult> {
  const log = options.log ?? (() => undefined);
  const file = databaseFile(path.resolve(options.dataDir));
  if (!fs.existsSync(file)) throw new CopyError(2, `No database at ${file} (check DATA_DIR).`);
  const src = await source.openSource(file);
  let dst: target.Target | null = null;
  let written: string[] = [];
  const sourceStore = options.sourceEvidenceDir ?? path.join(path.resolve(options.dataDir), 'files');
  const store = options.evidenceDir ? path.resolve(options.evidenceDir) : sourceStore;
  try {
    const applied = await source.migrationsApplied(src);
    if (applied !== migrationCount()) throw new CopyError(2, `the SQLite database has ${applied} of this version's ${migrationCount()} migrations: start the portal once on it (or upgrade it) first`);
    const auditEntries = await verifyLive('the SQLite database', options.auditKey, await source.lastArchiveEnd(src), (after) => source.auditEntriesAfter(src, after, 5000));
    log(`the SQLite audit chain verifies: ${auditEntries} live entries`);
    const evidence = await source.evidenceFiles(src);
    checkEvidence(sourceStore, evidence);

    try {
      dst = await target.openTarget(options.to);
    } catch (err) {
      throw new CopyError(2, `cannot connect to the target database: ${(err as Error).message}`);
    }
    await checkEmpty(dst, '');
    const pool = openPostgres(options.to, { max: 1 });
    try {
      await migratePostgres(pool);
    } finally {
      await closePostgres(pool);
    }
    await checkEmpty(dst, ' after its migrations');
    const targetTables = await target.targetTables(dst);
    const plans = plan(await source.sourceTables(src), targetTables);
    const order = dependencyOrder([...targetTables.keys()], await target.foreignKeys(dst));
    const free = await target.freeSequences(dst);
    const unknown = free.filter((s) => !FREE_SEQUENCES[s]);
    if (unknown.length > 0) throw new CopyError(1, `the copy does not know how the sequence(s) ${unknown.join(', ')} continue`);

    if (store !== sourceStore) {
      const copied = await copyEvidence(sourceStore, store, evidence);
      written = copied.written;
      log(`evidence files: ${copied.written.length} copied to ${store}${copied.present ? `, ${copied.present} already there` : ''}`);
    }

    let rows = 0;
    await target.begin(dst);
    try {
      await target.userTriggers(dst, order, false);
      for (const name of order) {
        const table = plans.find((p) => p.name === name)!;
        const n = await copyTable(src, dst, table, options.batchRows ?? 500);
        const expected = await source.rowCount(src, name);
        const found = await target.targetRowCount(dst, name);
        if (n !== expected || found !== expected) throw new CopyError(1, `${name}: ${expected} rows in SQLite, ${found} copied`);
        if (n > 0) log(`copied ${name}: ${n} rows`);
        rows += n;
      }
      await target.userTriggers(dst, order, true);
      for (const c of await target.numberedColumns(dst)) await target.continueAfterMax(dst, c.sequence, c.table, c.column);
      for (const s of free) await target.continueAfterMax(dst, s, FREE_SEQUENCES[s]!.table, FREE_SEQUENCES[s]!.column);
      const copiedEntries = await verifyLive('the copy', options.auditKey, await target.lastArchiveEnd(dst), (after) => target.auditEntriesAfter(dst!, after, 5000));
      if (copiedEntries !== auditEntries) throw new CopyError(1, `the copy holds ${copiedEntries} live audit entries, the SQLite database ${auditEntries}`);
      await target.commit(dst);
    } catch (err) {
      await target.rollback(dst);
      throw err;
    }
    log(`the copied audit chain verifies: ${auditEntries} live entries`);
    await target.analyze(dst);
    log('the copy\'s statistics are gathered (ANALYZE)');
    return { tables: order.length, rows, auditEntries, evidenceFiles: evidence.length, evidenceCopied: written.length, evidenceDir: store };
  } catch (err) {
    removeEvidence(store, written);
    throw err;
  } finally {
    await source.closeSource(src);
    if (dst) await target.closeTarget(dst);
  }
}
