// Builds a provincial-scale database in a data directory (issue 10, step 1):
//   tsx bench/generate.ts <data-dir> [--quick]
// The schema, regions and units come from the real start-up code (migrations, installRegions,
// installUnits, indexVillageNames); the bulk rows are written with prepared statements inside
// large transactions, in the shapes the real services write (see bench/gen/*). A master.key is
// written first, so the server started on this directory derives the same keys.
import fs from 'node:fs';
import path from 'node:path';
import { applyMigrations, databaseFile, openDatabase } from '../src/db/connection.js';
import { deriveKeys, loadMasterKey } from '../src/plugins/keys.js';
import { installRegions } from '../src/regions/index.js';
import { installUnits } from '../src/units/index.js';
import { indexVillageNames } from '../src/disclosure/index.js';
import { loadCalendar } from '../src/calendar/index.js';
import { hashPassword } from '../src/users/passwords.js';
import { isMainModule } from '../src/cli/io.js';
import { generateStaff } from './gen/staff.js';
import { generateDisclosure, type DisclosureSummary } from './gen/disclosure.js';
import { generateReports, type ReportsSummary } from './gen/reports.js';
import { generateCases, generateLedger } from './gen/cases-ledger.js';
import { loadWorld, withIndexesDeferred } from './gen/world.js';
import { chooseTargets, type Targets } from './gen/targets.js';

export interface Sizes {
  recipients: number;
  reports: number;
  staff: number;
  ledger: number;
  cases: number;
}

export const FULL: Sizes = { recipients: 1_000_000, reports: 200_000, staff: 2_000, ledger: 5_000, cases: 300 };
export const QUICK: Sizes = { recipients: 100_000, reports: 20_000, staff: 300, ledger: 500, cases: 60 };

/** The one password of every generated account (hashed once with the real scrypt parameters). */
export const BENCH_PASSWORD = 'Bench-Provincial-Scale-2026';
export const FIXTURES_FILE = 'bench-fixtures.json';

export interface Generated {
  dataDir: string;
  sizes: Sizes;
  generatedAt: string;
  seconds: number;
  phases: { name: string; seconds: number }[];
  disclosure: DisclosureSummary;
  reports: Omit<ReportsSummary, 'sampleCodes'>;
  sampleCodes: string[];
  staffCount: number;
  casesCount: number;
  ledgerCount: number;
  bench: { username: string; password: string; totpSecret: string; userId: number };
  targets: Targets;
  rowCounts: Record<string, number>;
  databaseBytes: number;
}

export async function generate(dataDir: string, sizes: Sizes, log: (line: string) => void = () => {}): Promise<Generated> {
  const started = performance.now();
  const phases: Generated['phases'] = [];
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases.push({ name, seconds: (now - mark) / 1000 });
    log(`  ${name}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };

  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(databaseFile(dataDir))) throw new Error(`${dataDir} already holds a database`);
  // Creates DATA_DIR/master.key (0600) as the server's first start would.
  const keys = deriveKeys(loadMasterKey({ dataDir, masterKey: null }));

  const db = openDatabase(databaseFile(dataDir));
  applyMigrations(db);
  await installRegions(db);
  await installUnits(db);
  await indexVillageNames(db);
  const calendar = await loadCalendar(db);
  phase('schema, regions, units, village index (real start-up code)');

  const sqlite = db.$client;
  // Bulk loading only: no fsync per transaction and a rollback journal in memory. The server opens
  // the file with its own settings (WAL, synchronous=FULL), restored below before closing.
  sqlite.pragma('journal_mode = MEMORY');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('temp_store = MEMORY');

  const now = Date.now();
  const world = loadWorld(sqlite, keys, now);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const staff = generateStaff(world, sizes.staff, passwordHash);
  phase(`${staff.total} staff`);
  const disclosure = withIndexesDeferred(world, ['recipients', 'posting_entries', 'postings'], () => generateDisclosure(world, sizes.recipients, staff));
  phase(`${disclosure.recipients} recipients, ${disclosure.postings} postings, ${disclosure.entries} posting entries`);
  const { sampleCodes, ...reports } = withIndexesDeferred(world, ['reports', 'report_events', 'audit_log'], () => generateReports(world, calendar, sizes.reports, staff));
  phase(`${reports.reports} reports, ${reports.events} events`);
  const casesCount = generateCases(world, sizes.cases, staff);
  const ledgerCount = reports.rectificationItems + generateLedger(world, sizes.ledger, staff, reports.rectificationItems);
  phase(`${casesCount} typical cases, ${ledgerCount} ledger items`);
  // Collected while generating (the generator's transactions are synchronous, the search writer async).
  const indexed = await world.search.flush(db);
  phase(`${indexed} documents in the search index`);

  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  const targets = chooseTargets(sqlite, staff.benchUser.unitRegion);
  const rowCounts: Record<string, number> = {};
  for (const table of ['recipients', 'postings', 'posting_entries', 'recipient_imports', 'reports', 'report_events', 'audit_log', 'users', 'rectification_items', 'typical_cases', 'search_index_keys', 'sent_reminders']) {
    rowCounts[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  // A report's document is kept under the report's id, without a search_index_keys row (issue 22): the
  // documents are the keyed ones and the report index's rows.
  rowCounts.search_documents = rowCounts.search_index_keys! + (sqlite.prepare('SELECT count(*) AS n FROM search_index_report_docsize').get() as { n: number }).n;
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  phase('targets chosen, checkpoint');

  const result: Generated = {
    dataDir,
    sizes,
    generatedAt: new Date(now).toISOString(),
    seconds: (performance.now() - started) / 1000,
    phases,
    disclosure,
    reports,
    sampleCodes,
    staffCount: staff.total,
    casesCount,
    ledgerCount,
    bench: { username: staff.benchUser.username, password: BENCH_PASSWORD, totpSecret: staff.benchUser.totpSecret, userId: staff.benchUser.id },
    targets,
    rowCounts,
    databaseBytes: fs.statSync(databaseFile(dataDir)).size,
  };
  // The bench account's password and TOTP secret: a throw-away data directory only.
  fs.writeFileSync(path.join(dataDir, FIXTURES_FILE), JSON.stringify(result, null, 2), { mode: 0o600 });
  return result;
}

if (isMainModule(import.meta.url)) {
  const [dir, ...flags] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: tsx bench/generate.ts <data-dir> [--quick]');
    process.exit(2);
  }
  // --sizes '{"reports":50000}' overrides some sizes (for trying the generator on a part).
  const custom = flags.includes('--sizes') ? (JSON.parse(flags[flags.indexOf('--sizes') + 1] ?? '{}') as Partial<Sizes>) : {};
  const result = await generate(path.resolve(dir), { ...(flags.includes('--quick') ? QUICK : FULL), ...custom }, console.log);
  console.log(`generated in ${result.seconds.toFixed(1)} s: ${JSON.stringify(result.rowCounts)}`);
}
