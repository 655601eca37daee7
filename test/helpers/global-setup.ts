import { buildTemplateDb } from './template-db.js';

export default async function setup(): Promise<void> {
  process.env.SUNSHINE_TEMPLATE_DB = await buildTemplateDb();
}
