// Runs the deadline sweep in-process every SUNSHINE_SCHEDULER_SECONDS (0 turns it off: tests call
// the sweep directly). The sweep is idempotent, so overlapping runs or two processes are harmless.
import fp from 'fastify-plugin';
import { runDeadlineSweep, runReferralSweep, runReporterSmsSweep } from '../reports/index.js';
import { archiveWithCheckpoints, latestEntry } from '../audit/index.js';
import { remindLateSubmissions } from '../reporting/index.js';
import { runRetentionSweep } from '../retention/index.js';
import { runLedgerSweep } from '../ledger/index.js';
import { sweepOrphanFiles } from '../evidence/index.js';

/** How often stored files without a row are looked for while the node runs (at start as well: app.ts). */
const ORPHAN_SWEEP_MS = 6 * 3600_000;

export default fp(
  async (app) => {
    const seconds = app.config.schedulerSeconds;
    if (seconds <= 0) return;
    let running = false;
    let lastChainHeadDay = '';
    let lastOrphanSweep = Date.now(); // the start-up sweep has just run (app.ts)
    /** Each job on its own: one that fails (a mail server down, a broken chain) stops none of the others. */
    const job = async (name: string, run: () => Promise<unknown> | unknown) => {
      try {
        await run();
      } catch (err) {
        app.log.error({ err }, `${name} failed`);
      }
    };
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await job('deadline sweep', async () => {
          const result = await runDeadlineSweep(app.deps);
          if (result.reminded + result.escalated > 0) app.log.info(result, 'deadline sweep');
        });
        // Texts to real-name reporters who gave a mobile number (issue 24): acceptance, extension,
        // answer, review deadline near; each claimed once, a failed send retried next round.
        await job('reporter texts', async () => {
          const result = await runReporterSmsSweep(app.deps);
          if (result.sent + result.failed > 0) app.log.info(result, 'reporter texts');
        });
        await job('referral sweep', async () => {
          const result = await runReferralSweep(app.deps);
          if (result.reminded + result.escalated + result.reporterMails > 0) app.log.info(result, 'referral sweep');
        });
        await job('ledger sweep', async () => {
          const result = await runLedgerSweep(app.deps);
          if (result.reminded + result.escalated > 0) app.log.info(result, 'ledger sweep');
        });
        await job('late reporting reminders', async () => {
          const late = await remindLateSubmissions(app.deps, Date.now());
          if (late.reminded + late.failed > 0) app.log.info(late, 'late reporting reminders');
        });
        await job('retention sweep', async () => {
          const erased = await runRetentionSweep(app.deps, app.sessionStore, Date.now());
          if (erased.total > 0) app.log.info(erased, 'retention sweep');
        });
        // DESIGN.md §4: the audit chain head goes to the application log daily, outside the database
        // (`npm run audit:verify -- --expect-head ID:MAC` checks it is still in the trail).
        await job('audit chain head', async () => {
          const day = new Date().toISOString().slice(0, 10);
          if (day === lastChainHeadDay) return;
          const head = await latestEntry(app.db);
          app.log.info({ auditHead: head ? { id: head.id, mac: head.mac } : null }, 'audit chain head');
          lastChainHeadDay = day;
        });
        await job('audit archive', () => archiveWithCheckpoints(app.deps, app.log));
        await job('evidence orphan sweep', async () => {
          if (Date.now() - lastOrphanSweep < ORPHAN_SWEEP_MS) return;
          lastOrphanSweep = Date.now();
          const swept = await sweepOrphanFiles(app.db, app.deps.dirs, app.config.abuse.requestTimeoutSeconds);
          if (swept.orphans > 0) app.log.warn(swept, 'removed stored files without a row');
        });
      } finally {
        running = false;
      }
    };
    const timer = setInterval(tick, seconds * 1000);
    timer.unref();
    const first = setTimeout(tick, 5_000);
    first.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      clearTimeout(first);
    });
  },
  { name: 'scheduler' },
);
