// The house rules of DESIGN.md §6 and issue 17 as a checker over source texts, so the architecture
// test can run it on src/ and on planted violations alike.
//
//   const found = violations(files);   // files: { 'src/reports/casework/scope.ts': '…source…', … }
import path from 'node:path';

/** Folders under src/ that are layers or the app's own wiring, not features. */
export const NOT_FEATURES = new Set(['db', 'plugins', 'shared', 'i18n', 'views', 'cli', 'demo']);

export type Kind =
  | 'inner-import'
  | 'db-imports-feature'
  | 'plugin-imports-feature'
  | 'sql-outside-repository'
  | 'mutual-features'
  | 'index-exports-tables'
  | 'sync-repository'
  | 'sync-transaction';

export interface Violation {
  kind: Kind;
  /** A stable description: `from -> to` for imports, the file for SQL, `a <-> b` for mutual folders. */
  key: string;
}

/** The top folder under src/ of a path, or '' for files directly in src/. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1]! : '';
}

const isFeature = (folder: string) => folder !== '' && !NOT_FEATURES.has(folder);

/** Relative imports of a file, resolved to src/… paths with .ts endings. */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  for (const m of source.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return out;
}

/** Where a feature's SQL may live: its repository (one file or a folder of them) and its tables. */
export function mayHoldSql(file: string): boolean {
  const base = path.posix.basename(file);
  return /(^|-)repository\.ts$/.test(base) || /\/repository\//.test(file) || base === 'tables.ts';
}

/** SQL built or run: drizzle's query helpers imported, raw statements run, or the driver reached. */
export function hasSql(source: string): boolean {
  return /from\s+['"]drizzle-orm(\/[^'"]*)?['"]/.test(source) || /\.\$client\b/.test(source) || /\bsql`/.test(source) || /\.(all|run|get)\(\)/.test(source);
}

/** Plugins that must call a feature, each with its reason (DESIGN.md §6 allows it where needed). */
export const PLUGIN_FEATURE_IMPORTS: Record<string, string> = {
  'src/plugins/auth.ts -> src/users/index.ts': 'who is signed in: the staff account, its roles and password expiry are the users feature’s',
  'src/plugins/auth.ts -> src/units/index.ts': 'a staff context carries the account’s unit, which the units feature owns',
  'src/plugins/auth.ts -> src/audit/index.ts': 'the audit trail records the staff terminal (address, agent) of each signed-in request; the hook is the audit feature’s',
  'src/plugins/scheduler.ts -> src/reports/index.ts': 'the scheduler runs casework’s deadline sweep and the referral sweep (reminders and escalations)',
  'src/plugins/scheduler.ts -> src/ledger/index.ts': 'the scheduler runs the ledger sweep (rectification deadlines reminded and escalated)',
  'src/plugins/scheduler.ts -> src/reporting/index.ts': 'the scheduler runs reporting’s late-submission reminders',
  'src/plugins/scheduler.ts -> src/retention/index.ts': 'the scheduler runs the retention sweep',
  'src/plugins/scheduler.ts -> src/audit/index.ts': 'the scheduler archives the audit trail and logs its chain head daily',
  'src/plugins/scheduler.ts -> src/evidence/index.ts': 'the scheduler sweeps stored evidence files left without a row (older than the grace)',
  'src/plugins/public-cache.ts -> src/clocks/index.ts': 'the public page cache empties when the day changes in China (pages show day-counted figures); the clocks feature owns the China day',
};

export function violations(files: Record<string, string>): Violation[] {
  const found: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const [file, source] of Object.entries(files)) {
    const from = folderOf(file);
    for (const target of importsOf(file, source)) {
      const to = folderOf(target);
      if (to === from || !isFeature(to)) continue;
      if (from === 'db') found.push({ kind: 'db-imports-feature', key: `${file} -> ${target}` });
      if (from === 'plugins' && !PLUGIN_FEATURE_IMPORTS[`${file} -> ${target}`]) found.push({ kind: 'plugin-imports-feature', key: `${file} -> ${target}` });
      if (target !== `src/${to}/index.ts`) found.push({ kind: 'inner-import', key: `${file} -> ${target}` });
      if (isFeature(from)) {
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    if (isFeature(from) && !mayHoldSql(file) && hasSql(source)) found.push({ kind: 'sql-outside-repository', key: file });
    // A feature's tables are private: its index never hands them out, nor the index of one of its parts, which the feature's own index may re-export (issue 17).
    if (isFeature(from) && path.posix.basename(file) === 'index.ts' && /from\s+['"][^'"]*tables\.js['"]/.test(source)) found.push({ kind: 'index-exports-tables', key: file });
    // Repositories are async (DESIGN.md §6): the PostgreSQL engine has no synchronous driver.
    if (isFeature(from) && mayHoldSql(file) && path.posix.basename(file) !== 'tables.ts') {
      // A builder of an SQL fragment (declared `: SQL`) runs nothing: another repository puts it into its own statement.
      for (const m of source.matchAll(/^export function (\w+)[^{]*?\)\s*(:\s*SQL\b)?[^{]*\{/gm)) if (!m[2]) found.push({ kind: 'sync-repository', key: `${file} ${m[1]}` });
    }
    // better-sqlite3's synchronous transactions tie the code to one engine; src/db/transaction.ts's withTransaction works for both.
    if (from !== 'db' && /\.transaction\(/.test(source)) found.push({ kind: 'sync-transaction', key: file });
  }
  for (const [a, targets] of edges) {
    for (const b of targets) if (a < b && edges.get(b)?.has(a)) found.push({ kind: 'mutual-features', key: `${a} <-> ${b}` });
  }
  return found.sort((x, y) => `${x.kind} ${x.key}`.localeCompare(`${y.kind} ${y.key}`));
}
