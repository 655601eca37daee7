// Creates the administrators of a production install on the configured database (DATA_DIR), in
// one step: one holder of each duty that has none yet — system, security and audit administrator
// (等保 2.0 level 3 三权分立, issue 15) — through the same service as the administrators' pages,
// and prints each generated password once. Marks the database as production; refuses a demo.
//
//   npm run admin:create -- [--unit ca:220000] [--system NAME] [--security NAME] [--audit NAME] [--email-domain DOMAIN]
//
// Exit codes: 0 created; 1 refused (a demo database, every duty already held, a user name taken, no
// such unit, the key file missing beside a database that holds data, a master key under which the
// database's audit log does not verify) or failed; 2 usage or configuration error (on PostgreSQL,
// DATABASE_URL without SUNSHINE_MASTER_KEY).
import { cliConfig, commandDeps, consoleIo, redactedUrl, type CliIo, runIfMain } from './io.js';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, databaseFile, openConfiguredDatabase } from '../db/connection.js';
import { prepareDatabase } from '../install.js';
import { entryUnderAnotherKey } from '../startup.js';
import { auditEntryCount } from '../audit/index.js';
import { claimInstallMode, installMode } from '../installation/index.js';
import { deriveKeys, KEY_FILE_NAME, loadMasterKey } from '../plugins/keys.js';
import { findUnitByKey } from '../units/index.js';
import { activeUsersWithRole, createUser, findUserByName, type AdminDuty } from '../users/index.js';

const USAGE = `usage: npm run admin:create -- [--unit UNIT_KEY] [--system NAME] [--security NAME] [--audit NAME] [--email-domain DOMAIN]

Creates one account for each administrator duty that has no holder yet:
  --system    the system administrator (accounts, units, settings)       default: sysadmin
  --security  the security administrator (roles, passwords, lockouts)   default: secadmin
  --audit     the audit administrator (reads and exports the audit log) default: auditadmin
  --unit      their unit key (default ca:220000, 省民政厅)
  --email-domain  their e-mail is NAME@DOMAIN (default users.sunshine.invalid, which never delivers)

User names: 3-32 characters of a-z 0-9 . _ -. The database and key in DATA_DIR are used (created on
a fresh directory). A demo database (seeded by npm start) is refused: production starts on a new DATA_DIR.`;

const USERNAME = /^[a-z0-9._-]{3,32}$/;
const DOMAIN = /^[a-z0-9.-]+\.[a-z]{2,}$/i;

const DUTIES: { duty: AdminDuty; option: 'system' | 'security' | 'audit'; fallback: string; name: string }[] = [
  { duty: 'system_admin', option: 'system', fallback: 'sysadmin', name: '系统管理员' },
  { duty: 'security_admin', option: 'security', fallback: 'secadmin', name: '安全管理员' },
  { duty: 'audit_admin', option: 'audit', fallback: 'auditadmin', name: '审计管理员' },
];

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  let values: { unit?: string; system?: string; security?: string; audit?: string; 'email-domain'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { unit: { type: 'string' }, system: { type: 'string' }, security: { type: 'string' }, audit: { type: 'string' }, 'email-domain': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  const unitKey = (values.unit ?? 'ca:220000').trim();
  const domain = (values['email-domain'] ?? 'users.sunshine.invalid').trim();
  const wanted = DUTIES.map((d) => ({ ...d, username: (values[d.option] ?? d.fallback).trim().toLowerCase() }));
  const problems: string[] = [];
  for (const w of wanted) if (!USERNAME.test(w.username)) problems.push(`--${w.option}: 3 to 32 characters of a-z 0-9 . _ -`);
  if (new Set(wanted.map((w) => w.username)).size !== wanted.length) problems.push('the three user names must differ');
  if (!DOMAIN.test(domain)) problems.push('--email-domain: not a domain name');
  if (problems.length) {
    io.err(`${problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }

  const config = cliConfig(env, io);
  if (!config) return 2;

  const dbFile = config.databaseUrl ? redactedUrl(config.databaseUrl) : databaseFile(config.dataDir);
  const keyFile = path.join(config.dataDir, KEY_FILE_NAME);
  const db = await openConfiguredDatabase(config);
  // A new key beside a database that already holds MACs and sealed data would make them unreadable
  // (a restored backup, where the key is kept apart by design): the key must be restored first.
  if (!config.masterKey && !fs.existsSync(keyFile) && (await auditEntryCount(db)) > 0) {
    await closeDatabase(db);
    io.err(`${dbFile} holds data but ${keyFile} is missing: restore the key file (or set SUNSHINE_MASTER_KEY) first. Nothing changed.`);
    return 1;
  }
  try {
    const keys = deriveKeys(loadMasterKey(config));
    await prepareDatabase(db);
    if ((await installMode(db)) === 'demo') {
      io.err(`${dbFile} is a demo database (seeded by npm start, with printed demo passwords); a demo is never promoted to production. Use a new DATA_DIR (and SUNSHINE_DEMO_DATA=off) for production. Nothing changed.`);
      return 1;
    }
    // A key other than the portal's (mistyped, another portal's; on PostgreSQL it is always given
    // by configuration) would seal and MAC under it: the audit chain would break at our first entry.
    const unverified = await entryUnderAnotherKey(db, keys['audit-mac']);
    if (unverified !== null) {
      io.err(`The master key does not match ${dbFile}: its latest audit entry (#${unverified}) does not verify under it. Use the key this portal was created with (${config.databaseUrl ? 'SUNSHINE_MASTER_KEY' : `SUNSHINE_MASTER_KEY, or ${keyFile}`}), or find out with npm run audit:verify whether that entry was altered. Nothing changed.`);
      return 1;
    }
    const unit = await findUnitByKey(db, unitKey);
    if (!unit) {
      io.err(`No unit "${unitKey}". Unit keys look like ca:220000 (省民政厅), ca:<county code>, gov:<township code>, dic:<code>. Nothing changed.`);
      return 1;
    }
    const missing: typeof wanted = [];
    for (const w of wanted) if ((await activeUsersWithRole(db, w.duty)).length === 0) missing.push(w);
    if (missing.length === 0) {
      io.err('Every administrator duty already has an active holder. Nothing changed. (The system administrator creates further accounts under /staff/admin/users; the security administrator grants their roles.)');
      return 1;
    }
    const taken: typeof wanted = [];
    for (const w of missing) if (await findUserByName(db, w.username)) taken.push(w);
    if (taken.length) {
      io.err(`${taken.map((w) => `The user name "${w.username}" is already taken (--${w.option}).`).join('\n')} Nothing changed.`);
      return 1;
    }
    await claimInstallMode(db, 'production');
    const deps = commandDeps(config, db, keys);
    io.out(`Administrators of ${unit.name} [${unit.key}]:`);
    for (const w of missing) {
      const { user, password } = await createUser(deps, { username: w.username, displayName: w.name, unitId: unit.id, roles: [w.duty], email: `${w.username}@${domain}`, homeVillageCode: null }, { type: 'system' });
      io.out(`  ${w.name} (${w.duty})  user name ${user.username}  password ${password}`);
    }
    const kept = wanted.filter((w) => !missing.includes(w));
    if (kept.length) io.out(`Already held, not created: ${kept.map((w) => w.duty).join(', ')}.`);
    io.out('');
    io.out('Each password is shown once and is not stored in clear. Give each to its administrator through a safe channel; no one should hold two of them.');
    io.out(`At the first sign-in (${config.baseUrl}/staff/login) each sets up the second factor (TOTP) with an authenticator app and must then choose their own password.`);
    io.out('Next: the system administrator creates the staff accounts (without roles); the security administrator grants their roles.');
    return 0;
  } catch (err) {
    io.err(`Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
