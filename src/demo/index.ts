import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { hotlineCount } from '../hotlines/index.js';
import { userCount } from '../users/index.js';
import { seedDemoHotlines } from './hotlines.js';
import { seedDemoReports } from './reports.js';
import { seedDemoStaff } from './staff.js';
import { progressDemoReports } from './progress.js';
import { seedDemoReferrals } from './referrals.js';
import { seedDefaultTemplates } from '../templates/index.js';
import { seedDemoPolicies } from '../policy/demo.js';
import { seedDemoCases } from '../cases/demo.js';
import { seedDemoDisclosure } from '../disclosure/demo.js';
import { seedDemoDeclarations } from '../cross-checks/demo.js';
import { seedDemoLedger } from '../ledger/index.js';
import { seedDemoSpotChecks } from '../spot-checks/demo.js';
import { seedDemoReporting } from '../reporting/demo.js';

/**
 * Seeds realistic demo content when the database has none of it yet; returns what to print
 * (sign-in details and sample query codes, shown once) or null when nothing was seeded.
 */
export async function seedDemoIfEmpty(app: FastifyInstance): Promise<string | null> {
  const { deps } = app;
  const reports = deps.db.get<{ n: number }>(sql`select count(*) as n from reports`)!.n;
  if (reports > 0 || hotlineCount(deps.db) > 0 || userCount(deps.db) > 0) return null;
  const now = Date.now();
  await seedDemoHotlines(deps.db, now);
  const codes = await seedDemoReports(deps, 36, now);
  const staff = await seedDemoStaff(deps);
  await progressDemoReports(deps, staff);
  await seedDemoReferrals(deps, staff);
  seedDefaultTemplates(deps.db, now);
  await seedDemoPolicies(deps.db, now);
  await seedDemoCases(deps, now);
  await seedDemoDisclosure(deps);
  await seedDemoDeclarations(deps, now);
  await seedDemoLedger(deps, now);
  await seedDemoSpotChecks(deps, now);
  await seedDemoReporting(deps, now);
  deps.publicCache.invalidate();
  return [
    '',
    '=== Sunshine demo data seeded (printed once: passwords, TOTP secrets and query codes are not stored in clear) ===',
    `Staff sign-in: ${deps.config.baseUrl}/staff/login  — add the TOTP secret to an authenticator app, or print a code with: npm run totp -- <secret>`,
    ...staff.map((s) => `  ${s.username.padEnd(16)} password ${s.password}  TOTP ${s.totpSecret}  (${s.displayName}, ${s.unit})`),
    `Demo query codes (try them at ${deps.config.baseUrl}/track):`,
    ...codes.slice(0, 4).map((c) => `  ${c}`),
    '',
  ].join('\n');
}
