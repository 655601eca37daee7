// Creates an administrator on the configured database (DATA_DIR), through the same service as the
// administrators' page, and prints the generated password once.
//
//   npm run admin:create -- --username NAME --unit ca:220000 [--name 显示名] [--email x@y]
//
// Exit codes: 0 created; 1 refused (the user name exists, no such unit, the key file is missing
// beside a database that holds data) or failed; 2 usage or configuration error.
import { cliConfig, consoleIo, isMainModule, type CliIo } from './io.js';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { databaseFile, openDatabase, type Db } from '../db/connection.js';
import { prepareDatabase } from '../install.js';
import { storageDirs } from '../evidence/index.js';
import { deriveKeys, KEY_FILE_NAME, loadMasterKey } from '../plugins/keys.js';
import type { Deps } from '../shared/deps.js';
import { findUnitByKey } from '../units/index.js';
import { createUser, findUserByName } from '../users/index.js';

const USAGE = `usage: npm run admin:create -- --username NAME --unit UNIT_KEY [--name DISPLAY_NAME] [--email ADDRESS]

  --username  3-32 characters: a-z 0-9 . _ -
  --unit      the unit key, e.g. ca:220000 (省民政厅), ca:220100 (长春市民政局), ca:220102 (南关区民政局)
  --name      the name shown in the back office (default: the user name)
  --email     where notices go (default: <username>@users.sunshine.invalid, which never delivers)

The database and key in DATA_DIR are used (created on a fresh directory).`;

const USERNAME = /^[a-z0-9._-]{3,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  let values: { username?: string; unit?: string; name?: string; email?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { username: { type: 'string' }, unit: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const username = (values.username ?? '').trim();
  const unitKey = (values.unit ?? '').trim();
  const displayName = (values.name ?? username).trim();
  const email = (values.email ?? `${username}@users.sunshine.invalid`).trim();
  const problems: string[] = [];
  if (!USERNAME.test(username)) problems.push('--username: 3 to 32 characters of a-z 0-9 . _ -');
  if (!unitKey) problems.push('--unit: required (e.g. ca:220000)');
  if (!displayName || displayName.length > 50) problems.push('--name: 1 to 50 characters');
  if (!EMAIL.test(email)) problems.push('--email: not an e-mail address');
  if (problems.length) {
    io.err(`${problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }

  const config = cliConfig(env, io);
  if (!config) return 2;

  const dbFile = databaseFile(config.dataDir);
  const keyFile = path.join(config.dataDir, KEY_FILE_NAME);
  const db = openDatabase(dbFile);
  // A new key beside a database that already holds MACs and sealed data would make them unreadable
  // (a restored backup, where the key is kept apart by design): the key must be restored first.
  if (!config.masterKey && !fs.existsSync(keyFile) && auditEntries(db) > 0) {
    db.$client.close();
    io.err(`${dbFile} holds data but ${keyFile} is missing: restore the key file (or set SUNSHINE_MASTER_KEY) first. Nothing changed.`);
    return 1;
  }
  try {
    const keys = deriveKeys(loadMasterKey(config));
    await prepareDatabase(db);
    const unit = await findUnitByKey(db, unitKey);
    if (!unit) {
      io.err(`No unit "${unitKey}". Unit keys look like ca:220000 (省民政厅), ca:<county code>, gov:<township code>, dic:<code>. Nothing changed.`);
      return 1;
    }
    if (findUserByName(db, username)) {
      io.err(`The user name "${username}" is already taken. Nothing changed. (An administrator can reset that account's password under /staff/admin/users.)`);
      return 1;
    }
    const deps: Deps = { db, keys, dirs: storageDirs(config.dataDir), mailer: { send: async () => {}, sendLater() {} }, config, publicCache: { invalidate() {}, size: 0, bytes: 0 } };
    const { user, password } = await createUser(deps, { username, displayName, unitId: unit.id, roles: ['system_admin'], email, homeVillageCode: null }, { type: 'system' });
    io.out(`Created administrator "${user.username}" (${user.displayName}) of ${unit.name} [${unit.key}], user id ${user.id}.`);
    io.out('');
    io.out(`  Password: ${password}`);
    io.out('');
    io.out('This password is shown once and is not stored in clear. Give it to the administrator through a safe channel.');
    io.out(`At the first sign-in (${config.baseUrl}/staff/login) they set up the second factor (TOTP) with an authenticator app and must then choose their own password.`);
    return 0;
  } catch (err) {
    io.err(`Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    db.$client.close();
  }
}

/** Entries in the audit log (0 when the database is new and has no tables yet). */
function auditEntries(db: Db): number {
  const table = db.get<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = 'audit_log'`)!.n;
  return table ? db.get<{ n: number }>(sql`select count(*) as n from audit_log`)!.n : 0;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
