// Issue 9, faults: SIGKILL while 20 submissions with files are in flight. Every query code that was
// shown must work after a restart; no partial report, no orphan file, no audit entry of a filing
// that did not happen, no leftover plaintext, and the database passes its integrity check (SQLite's
// integrity_check on the file; on PostgreSQL, issue 21, amcheck on the data directory's database —
// the server killed, not the database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { bigJpeg, startFilingsInFlight, trackCode } from './client.js';
import { inspectPortal, removePortal } from './store-checks.js';

const IN_FLIGHT = 20;
const FILE_BYTES = 2 * 1024 * 1024;
/** Generous: a loaded CI machine can take long to start the server. */
const READY_MS = 90_000;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ templateDb: true, readyTimeoutMs: READY_MS, env: { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0', SUNSHINE_MIN_FREE_DISK_MB: '0' } });
}, READY_MS + 10_000);
afterAll(async () => {
  await server?.stop();
});

describe('SIGKILL with 20 submissions in flight', () => {
  it('keeps every shown query code, and leaves no partial report, orphan or temporary file', async () => {
    const photo = bigJpeg(FILE_BYTES);
    const inFlight = await startFilingsInFlight(server.url, IN_FLIGHT, photo, (i) => `第${i + 1}件：村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机。`);
    // Killed once a few codes were shown (the time that takes depends on the machine's load).
    const run = await server.kill();
    expect(run.signal).toBe('SIGKILL');
    await inFlight.settled;
    const outcomes = inFlight.outcomes;

    const shown = inFlight.shown();
    const cut = outcomes.filter((o) => o instanceof Error).length;
    console.info(`[faults] SIGKILL: ${shown.length} query codes shown, ${cut} submissions cut off, ${IN_FLIGHT - shown.length - cut} answered without a code`);
    expect(shown.length).toBeGreaterThanOrEqual(1);
    expect(cut, 'the kill should catch some uploads in flight').toBeGreaterThanOrEqual(1);
    // A submission answered without a code would be a failure the person saw as one: none expected.
    for (const o of outcomes) if (o && !(o instanceof Error)) expect(o.status, o.html.slice(0, 500)).toBe(200);

    await server.restart();
    for (const code of shown) {
      const tracked = await trackCode(server.url, code);
      expect(tracked, `query code ${code}`).toEqual({ status: 303, location: '/track/report' });
    }
    await server.stop({ keepDataDir: true });

    const state = await inspectPortal(server.dataDir);
    expect(state.integrity).toBe('ok');
    expect(state.reports).toBeGreaterThanOrEqual(shown.length);
    expect(state.withoutReceivedEvent).toEqual([]);
    // Each report's filing is audited, and no audit entry names a filing that was rolled back.
    expect(state.withoutAuditEntry).toEqual([]);
    expect(state.auditedWithoutReport).toEqual([]);
    expect(state.missingFiles).toEqual([]);
    expect(state.orphanFiles).toEqual([]);
    expect(state.tmpEntries).toEqual([]);
    await removePortal(server.dataDir);
  }, 2 * READY_MS);
});
