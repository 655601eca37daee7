import type { FastifyInstance } from 'fastify';
import { hotlineCount } from '../hotlines/index.js';
import { claimInstallMode, installMode } from '../installation/index.js';
import { userCount } from '../users/index.js';
import { findReport, reportCount, type Report } from '../reports/index.js';
import type { Deps } from '../shared/deps.js';
import { seedDemoHotlines } from './hotlines.js';
import { seedDemoReports, type DemoCode } from './reports.js';
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
  /** Query codes of demo reports, one per stage a villager can reach (shown once; only their HMACs are stored). */
  codes: { stage: string; code: string }[];
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
  await progressDemoReports(deps, staff, now);
  await seedDemoReferrals(deps, staff, now);
  await seedDefaultTemplates(deps.db, now);
  await seedDemoPolicies(deps.db, now);
  await seedDemoCases(deps, now);
  await seedDemoDisclosure(deps);
  await seedDemoDeclarations(deps, now);
  await seedDemoLedger(deps, now);
  await seedDemoSpotChecks(deps, now);
  await seedDemoReporting(deps, now);
  deps.publicCache.invalidate();
  return { staff, codes: await codesByStage(deps, codes) };
}

/** What the console shows once after seeding: every account's password, TOTP secret and recovery codes. */
export function demoSeedText(seed: DemoSeed, baseUrl: string): string {
  return [
    '',
    '=== Sunshine DEMO data seeded — not for real reports (passwords, TOTP secrets, recovery codes and query codes are printed once and not stored in clear) ===',
    `Staff sign-in: ${baseUrl}/staff/login  — add the TOTP secret to an authenticator app, or print a code with: npm run totp -- <secret>`,
    ...seed.staff.map((s) => `  ${s.username.padEnd(16)} password ${s.password}  TOTP ${s.totpSecret}  recovery ${s.recoveryCodes.join(' ')}  (${s.displayName}, ${s.unit})`),
    `Demo query codes (try them at ${baseUrl}/track):`,
    ...seed.codes.map((c) => `  ${c.code}  ${c.stage}`),
    '',
  ].join('\n');
}

/**
 * One printed query code per stage a villager can reach (issue 20 item 12: the four printed codes
 * were three reports waiting weeks past their deadline and a rejected one), read from the reports'
 * state after the demo moved them along.
 */
async function codesByStage(deps: Deps, codes: DemoCode[]): Promise<{ stage: string; code: string }[]> {
  const stages: [string, (r: Report) => boolean][] = [
    ['answered in writing: rate it, or ask for a review', (r) => r.status === 'closed' && r.reviewLevel === 0 && !r.rating],
    ['under review by the city (复查)', (r) => r.status === 'under_review'],
    ['answered, problems being rectified (整改)', (r) => r.status === 'rectifying'],
    ['referred to discipline inspection (移送纪检监察机关)', (r) => r.status === 'referred'],
    ['being investigated, with a question from the handler', (r) => r.status === 'investigating'],
    ['new, waiting for acceptance', (r) => r.status === 'received'],
  ];
  const reports = await Promise.all(codes.map(async (c) => ({ ...c, report: await findReport(deps.db, c.reportId) })));
  return stages.flatMap(([stage, is]) => {
    const found = reports.find((c) => c.report && is(c.report));
    return found ? [{ stage, code: found.code }] : [];
  });
}
