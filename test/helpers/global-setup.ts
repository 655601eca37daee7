import { buildTemplateDb } from './template-db.js';
import { buildPgTemplate, suiteDatabaseUrl } from './pg-databases.js';

export default async function setup(): Promise<void> {
  if (suiteDatabaseUrl) process.env.SUNSHINE_PG_TEMPLATE = await buildPgTemplate();
  else process.env.SUNSHINE_TEMPLATE_DB = await buildTemplateDb();
}
