// PostgreSQL's own client tools for a backup (issue 21): pg_dump in its custom format, streamed into
// the backup folder with its SHA-256 computed on the way, and pg_restore from that file. The URL's
// password goes to the tools in PGPASSWORD, never on a command line other users could read.
import { spawn, spawnSync } from 'node:child_process';
import { BackupError, writeWithHash, type CopiedFile } from './files.js';

/** The URL without its password, and the environment that carries the password instead. */
function connectionOf(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { dbname: u.toString(), env };
}

/** The major version of a client tool on PATH ("pg_dump (PostgreSQL) 15.4 …" → 15), or null when it is not installed. */
export function toolMajorVersion(tool: 'pg_dump' | 'pg_restore'): number | null {
  const run = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  const m = run.status === 0 ? /\(PostgreSQL\)\s+(\d+)/.exec(run.stdout) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Refuses, in one line, a tool missing or older than the server: pg_dump refuses a newer server
 * itself, but only after the backup has begun, and with a message that names no remedy.
 */
export function checkToolVersion(tool: 'pg_dump' | 'pg_restore', serverMajor: number): void {
  const major = toolMajorVersion(tool);
  if (major === null) throw new BackupError(2, `${tool} was not found on PATH: install PostgreSQL's client tools (version ${serverMajor} or later), e.g. apt-get install postgresql-client-${serverMajor}.`);
  if (major < serverMajor) throw new BackupError(2, `${tool} ${major} is older than the PostgreSQL ${serverMajor} server: put the client tools of version ${serverMajor} or later first on PATH (e.g. /usr/lib/postgresql/${serverMajor}/bin).`);
}

/** What a tool printed on stderr, for the message of a failure. */
function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (c: Buffer) => {
    if (text.length < 4000) text += c.toString();
  });
  return () => text.trim().split('\n').slice(-3).join(' | ');
}

function exited(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * pg_dump of the database in the exported `snapshot`, in custom format (compressed, restorable
 * table by table), written to the new file `to` (0600) as it comes, never held in memory. Sessions'
 * rows are left out: after a restore everyone signs in again, and a stolen backup holds no live session.
 */
export async function dumpDatabase(url: string, snapshot: string, to: string): Promise<CopiedFile> {
  const { dbname, env } = connectionOf(url);
  const args = ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, '--exclude-table-data=sessions', `--dbname=${dbname}`];
  const child = spawn('pg_dump', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collect(child.stderr!);
  const code = exited(child);
  const written = await writeWithHash(child.stdout!, to);
  if ((await code) !== 0) throw new BackupError(1, `pg_dump failed: ${stderr()}`);
  return written;
}

/**
 * pg_restore of a custom-format dump into `url`, in one transaction: a dump that fails half-way
 * leaves the database as it was (empty).
 */
export async function restoreDatabase(url: string, file: string): Promise<void> {
  const { dbname, env } = connectionOf(url);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, file];
  const child = spawn('pg_restore', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = collect(child.stderr!);
  if ((await exited(child)) !== 0) throw new BackupError(1, `pg_restore failed: ${stderr()}`);
}
