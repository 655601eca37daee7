// Moves the SQLite portal in DATA_DIR to PostgreSQL (issue 21, README "Run at scale"):
//
//   npm run db:copy -- --to postgres://user@host/sunshine [--evidence-dir /srv/shared/evidence]
//
// The target database must be new (createdb) or only migrated: it is migrated, then every table is
// copied in one transaction, and the audit chain is verified on both sides. --evidence-dir copies
// the evidence files into the folder the PostgreSQL nodes share (their SUNSHINE_EVIDENCE_DIR);
// without it they stay where the SQLite portal keeps them. Stop the SQLite server first: what it
// writes after the copy began is not copied. Every node then needs SUNSHINE_MASTER_KEY set to this
// portal's master key (DATA_DIR/master.key): the query codes, evidence and audit MACs depend on it.
//
// Exit codes: 0 copied and verified; 1 the copy failed (the target database is left empty);
// 2 refused: usage, configuration, a target that is not empty, a source of another version.
import fs from 'node:fs';
import path from 'node:path';
import { copyToPostgres, CopyError } from '../db-copy/index.js';
import { isPostgresUrl } from '../db/engine.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';
import { commandLine, consoleIo, existingPortal, exitOnError, operatorPath, redactedUrl, type CliIo, runIfMain } from './io.js';

const USAGE = 'usage: npm run db:copy -- --to postgres://USER@HOST/DATABASE [--evidence-dir DIR]   (copies the SQLite portal in DATA_DIR into an empty PostgreSQL database)';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const args = commandLine(argv, { to: { type: 'string' }, 'evidence-dir': { type: 'string' } }, USAGE, io);
  if (typeof args === 'number') return args;
  if (!args.to || !isPostgresUrl(args.to)) {
    io.err(`--to postgres://… is required.\n${USAGE}`);
    return 2;
  }
  if (env.DATABASE_URL) {
    io.err('db:copy refused: DATABASE_URL is set; db:copy reads the SQLite portal in DATA_DIR and takes the PostgreSQL database with --to.');
    return 2;
  }
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const { config } = portal;
  const evidenceDir = args['evidence-dir'] !== undefined ? operatorPath(env, args['evidence-dir']) : null;
  try {
    const result = await copyToPostgres({
      dataDir: config.dataDir,
      sourceEvidenceDir: config.evidenceDir,
      to: args.to,
      evidenceDir,
      auditKey: deriveKeys(loadMasterKey(config))['audit-mac'],
      log: io.out,
    });
    io.out(`copied to ${redactedUrl(args.to)}: ${result.tables} tables, ${result.rows} rows, ${result.auditEntries} audit entries (chain verified), ${result.evidenceFiles} evidence files in ${result.evidenceDir}`);
    const keyFile = path.join(config.dataDir, 'master.key');
    io.out(`Start every node with DATABASE_URL set to this database, SUNSHINE_EVIDENCE_DIR=${result.evidenceDir} and SUNSHINE_MASTER_KEY set to ${config.masterKey ? 'the same SUNSHINE_MASTER_KEY as this portal' : `the content of ${keyFile}`}.`);
    if (fs.existsSync(path.join(config.dataDir, 'audit-archive'))) io.out(`The audit archives stay in ${path.join(config.dataDir, 'audit-archive')}: give them to the DATA_DIR of the node that runs audit:verify and audit:archive.`);
    return 0;
  } catch (err) {
    return exitOnError(io, 'db:copy', err, CopyError);
  }
}

await runIfMain(import.meta.url, main);
