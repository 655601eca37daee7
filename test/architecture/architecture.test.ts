// Issue 17: each feature owns its data. This test fails when a feature imports another's tables,
// repository or inner files, when src/db or src/plugins import a feature, when a route or service
// holds SQL, or when two feature folders import each other. Today's violations are listed in
// allowed.txt, which may only shrink: a new violation fails, and so does a listed one that is gone
// (remove its line). `UPDATE_ALLOWED=1 npx vitest run test/architecture` rewrites the list — for
// removals; a diff that adds lines needs a reason in its commit.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { violations, type Violation } from './rules.js';

const ROOT = path.resolve('src');
const ALLOWED = path.resolve('test/architecture/allowed.txt');

function sources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(ROOT, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(path.resolve('.'), full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
  }
  return files;
}

const line = (v: Violation) => `${v.kind} ${v.key}`;

describe('architecture (DESIGN.md §6)', () => {
  it('has no violation beyond the shrinking allow-list, and no stale entry in it', () => {
    const found = violations(sources()).map(line);
    if (process.env.UPDATE_ALLOWED === '1') fs.writeFileSync(ALLOWED, `${found.join('\n')}\n`);
    const allowed = fs.readFileSync(ALLOWED, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(found.filter((f) => !allowed.includes(f)), 'new violations').toEqual([]);
    expect(allowed.filter((a) => !found.includes(a)), 'allowed violations that are gone: remove them from allowed.txt').toEqual([]);
  });

  it('finds each kind of violation planted in a small tree', () => {
    const planted: Record<string, string> = {
      'src/ledger/routes.ts': "import { eq } from 'drizzle-orm';\nimport { reports } from '../reports/tables.js';\n",
      'src/ledger/service.ts': "import { findReport } from '../reports/index.js';\nexport const x = () => db.select().from(t).all();\n",
      'src/ledger/repository.ts': "import { sql } from 'drizzle-orm';\nexport const n = sql`select 1`;\n",
      'src/reports/service.ts': "import { ledgerItems } from '../ledger/index.js';\n",
      'src/db/connection.ts': "import * as schema from '../users/tables.js';\n",
      'src/plugins/example.ts': "import { findUser } from '../users/index.js';\n",
      'src/users/index.ts': "export { findUser } from './repository.js';\nexport { users } from './tables.js';\n",
      'src/users/repository.ts': "export function findUser(db) { return db.select().from(users).get(); }\nexport async function listUsers(db) { return []; }\nexport function userNameOf(column: Column): SQL {\n  return sql`(select 1)`;\n}\n",
      'src/users/service.ts': "export function save(db) { db.transaction((tx) => {}); }\n",
    };
    const kinds = violations(planted).map(line);
    expect(kinds).toEqual([
      'db-imports-feature src/db/connection.ts -> src/users/tables.ts',
      'index-exports-tables src/users/index.ts',
      'inner-import src/db/connection.ts -> src/users/tables.ts',
      'inner-import src/ledger/routes.ts -> src/reports/tables.ts',
      'mutual-features ledger <-> reports',
      'plugin-imports-feature src/plugins/example.ts -> src/users/index.ts',
      'sql-outside-repository src/ledger/routes.ts',
      'sql-outside-repository src/ledger/service.ts',
      'sync-repository src/users/repository.ts findUser',
      'sync-transaction src/users/service.ts',
    ]);
    // A repository may hold SQL; a feature may import another's index one way.
    expect(violations({ 'src/ledger/repository.ts': planted['src/ledger/repository.ts']!, 'src/ledger/service.ts': "import { findReport } from '../reports/index.js';\n" })).toEqual([]);
  });
});
