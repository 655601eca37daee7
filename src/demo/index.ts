import type { FastifyInstance } from 'fastify';
import { hotlineCount } from '../hotlines/index.js';
import { seedDemoHotlines } from './hotlines.js';
import { seedDemoReports } from './reports.js';
import { sql } from 'drizzle-orm';

/**
 * Seeds realistic demo content when the database has none of it yet; returns what to print
 * (sign-in details and sample query codes, shown once) or null when nothing was seeded.
 */
export async function seedDemoIfEmpty(app: FastifyInstance): Promise<string | null> {
  const { deps } = app;
  const reports = deps.db.get<{ n: number }>(sql`select count(*) as n from reports`)!.n;
  if (reports > 0 || hotlineCount(deps.db) > 0) return null;
  const now = Date.now();
  await seedDemoHotlines(deps.db, now);
  const codes = await seedDemoReports(deps, 36, now);
  return [
    '',
    '=== Sunshine demo data seeded ===',
    `Demo query codes (try them at ${deps.config.baseUrl}/track):`,
    ...codes.slice(0, 3).map((c) => `  ${c}`),
    '(Shown once: query codes are never stored in clear.)',
    '',
  ].join('\n');
}
