// What a database needs before the server or an operator command uses it: the schema (pending
// migrations), Jilin's regions and the units at them, and — on a new database only — the province's
// default answer templates (an operator who deletes one does not get it back at the next start).
import { applyMigrations, preparingAlone, type Db } from './db/connection.js';
import { installRegions } from './regions/index.js';
import { installUnits } from './units/index.js';
import { seedDefaultTemplates } from './templates/index.js';

export async function prepareDatabase(db: Db): Promise<void> {
  // Several app nodes may start together on one PostgreSQL database: one prepares it at a time.
  await preparingAlone(db, async () => {
    await applyMigrations(db);
    await installRegions(db);
    const newUnits = await installUnits(db);
    if (newUnits > 0) await seedDefaultTemplates(db);
  });
}
