// A database with migrations and reference data applied, built once and copied for each test
// (loading 13,000 regions per test would dominate the suite's time).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, MIGRATIONS_DIR, openDatabase } from '../../src/db/connection.js';
import { installRegions } from '../../src/regions/index.js';
import { installUnits } from '../../src/units/index.js';
import { indexVillageNames } from '../../src/disclosure/village-search.js';

/** The files a template is built from: a change to any of them builds a new one. */
function fingerprint(): string {
  const hash = crypto.createHash('sha256');
  const sources = [MIGRATIONS_DIR, path.join(MIGRATIONS_DIR, 'meta'), path.resolve('data-source'), path.resolve('src/regions'), path.resolve('src/units'), path.resolve('src/search')];
  const files = sources.flatMap((dir) => fs.readdirSync(dir).sort().map((file) => path.join(dir, file)));
  files.push(path.resolve('src/disclosure/village-search.ts'));
  for (const full of files) {
    if (fs.statSync(full).isFile()) hash.update(path.basename(full)).update(fs.readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function buildTemplateDb(): Promise<string> {
  const file = path.join(os.tmpdir(), `sunshine-template-${fingerprint()}.db`);
  if (fs.existsSync(file)) return file;
  const building = `${file}.${process.pid}.building`;
  const db = openDatabase(building);
  try {
    await applyMigrations(db);
    await installRegions(db);
    await installUnits(db);
    await indexVillageNames(db);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.pragma('journal_mode = DELETE');
  } catch (err) {
    // A failed build leaves no half-built file (and its WAL) behind in the temporary directory.
    db.$client.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${building}${suffix}`, { force: true });
    throw err;
  }
  db.$client.close();
  fs.renameSync(building, file);
  return file;
}
