import type { FastifyInstance } from 'fastify';
import { hotlineCount } from '../hotlines/index.js';
import { claimInstallMode, installMode } from '../installation/index.js';
import { userCount } from '../users/index.js';
import { reportCount } from '../reports/index.js';
import { seedDemoHotlines } from './hotlines.js';
import { seedDemoReports } from './reports.js';
import { seedDemoStaff, type DemoCredential } from './staff.js';
import { progressDemoReports } from './progress.js';
import { seedDemoReferrals } from './referrals.js';
import { seedDefaultTemplates } from '../templates/index.js';
import { seedDemoPolicies } from './policy.js';
import { seedDemoCases } from './cases.js';
import { seedDemoDisclosure } from './disclosure.js';
import { seedDemoDeclarations } from './cross-checks.js';
import { seedDemoLedger } from './ledger.js';
import { seedDemoSpotChecks } from './spot-checks.js';
import { seedDemoReporting } from './reporting.js';

export type { DemoCredential } from './staff.js';

export interface DemoSeed {
  staff: DemoCredential[];
  /** Query codes of demo reports (shown once; only their HMACs are stored). */
  codes: string[];
}

/**
 * Seeds realistic demo content into an empty database and marks it a demo (issue 15): returns the
 * sign-in details and sample query codes to print once, or null when the database is already a
 * demo. Refuses (InstallModeError) on a database marked production, and returns null without
 * touching anything on an unmarked one that already holds reports, accounts or hotlines (real data
 * from before install modes).
 */
export async function seedDemoIfEmpty(app: FastifyInstance): Promise<DemoSeed | null> {
  const { deps } = app;
  const mode = await installMode(deps.db);
  if (mode === 'demo') return null;
  if (mode === null) {
    if ((await reportCount(deps.db)) > 0 || (await hotlineCount(deps.db)) > 0 || (await userCount(deps.db)) > 0) return null;
  }
  // Marked first: a second process starting on the same empty database finds it taken.
  await claimInstallMode(deps.db, 'demo');
  const now = Date.now();
  await seedDemoHotlines(deps.db, now);
  const codes = await seedDemoReports(deps, 36, now);
  const staff = await seedDemoStaff(deps);
  await progressDemoReports(deps, staff);
  await seedDemoReferrals(deps, staff);
  await seedDefaultTemplates(deps.db, now);
  await seedDemoPolicies(deps.db, now);
  await seedDemoCases(deps, now);
  await seedDemoDisclosure(deps);
  await seedDemoDeclarations(deps, now);
  await seedDemoLedger(deps, now);
  await seedDemoSpotChecks(deps, now);
  await seedDemoReporting(deps, now);
  deps.publicCache.invalidate();
  return { staff, codes };
}

/** What the console shows once after seeding: every account's password, TOTP secret and recovery codes. */
export function demoSeedText(seed: DemoSeed, baseUrl: string): string {
  return [
    '',
    '=== Sunshine DEMO data seeded — not for real reports (passwords, TOTP secrets, recovery codes and query codes are printed once and not stored in clear) ===',
    `Staff sign-in: ${baseUrl}/staff/login  — add the TOTP secret to an authenticator app, or print a code with: npm run totp -- <secret>`,
    ...seed.staff.map((s) => `  ${s.username.padEnd(16)} password ${s.password}  TOTP ${s.totpSecret}  recovery ${s.recoveryCodes.join(' ')}  (${s.displayName}, ${s.unit})`),
    `Demo query codes (try them at ${baseUrl}/track):`,
    ...seed.codes.slice(0, 4).map((c) => `  ${c}`),
    '',
  ].join('\n');
}
