// Issue 9, faults: a full disk. A submission fails with a clear message in Chinese on the form
// (not a 500 page, not a reset connection), with the person's text kept; nothing already stored is
// harmed; /healthz reports degraded. On a real small disk (a tmpfs, when this process may mount
// one) the disk is filled for real, including ENOSPC while an upload is written and while it is
// encrypted; otherwise the free-space minimum is set above the free space, which must refuse files
// before anything is written. ENOSPC on every write path is also injected in-process (enospc.test.ts).
// On PostgreSQL (issue 21) the disk that fills is DATA_DIR's — the evidence store and the uploads
// in flight — while the database lives on its server's own disk: the same refusals, and afterwards
// no row and no file of the refused filings (the database read through store-checks.ts). The shared
// evidence store of several nodes (SUNSHINE_EVIDENCE_DIR) filling up is tested on both engines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { bigJpeg, openForm, submitReport, trackCode, type Submission } from './client.js';
import { fillUntil, freeBytes, MB, mountTmpfs, startUnhealthyServer, unmount, type PlainServer } from './disk.js';
import { decryptedSha256, inspectPortal, portalEvidenceRows, removePortal } from './store-checks.js';

const MIN_FREE_MB = 2;
/** Generous: a loaded CI machine can take long to start the server. */
const READY_MS = 90_000;
const DESCRIPTION = '磁盘满时提交：村会计把已故村民的低保金继续冒领了两年，请核查。';
const BASE_ENV = { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0' };

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-tmpfs-'));
const tmpfs = process.env.FAULTS_SIMULATE_DISK === '1' ? { mounted: false as const, reason: 'FAULTS_SIMULATE_DISK=1' } : mountTmpfs(mountPoint, '32m');
if (!tmpfs.mounted) {
  console.warn(
    `[faults] WARNING: cannot mount a tmpfs here (${tmpfs.reason}); the full-disk test runs SIMULATED ` +
      '(SUNSHINE_MIN_FREE_DISK_MB above the free space). Real ENOSPC is covered in-process by test/faults/enospc.test.ts only.',
  );
}

const servers: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  if (tmpfs.mounted) unmount(mountPoint);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

function expectClearRefusal(s: Submission): void {
  expect(s.status, s.html.slice(0, 300)).toBe(507);
  expect(s.code).toBeNull();
  expect(s.html).toContain('服务器存储空间不足');
  expect(s.html).not.toContain('服务暂时出现问题');
  // The form comes back with the person's text kept.
  expect(s.html).toContain('id="report-form"');
  expect(s.html).toContain(DESCRIPTION);
}

async function expectHealth(url: string, status: number, report: 'ok' | 'degraded'): Promise<void> {
  const response = await fetch(`${url}/healthz`);
  const body = (await response.json()) as { status: string; diskOk: boolean };
  expect(response.status).toBe(status);
  expect(body.status).toBe(report);
  expect(body.diskOk).toBe(report === 'ok');
}

/** Files the "earlier" report whose code and evidence must survive the full disk. */
async function fileEarlierReport(url: string): Promise<string> {
  const earlier = await submitReport(url, { files: [{ filename: '早先的照片.jpg', content: bigJpeg(300 * 1024) }] });
  expect(earlier.status).toBe(200);
  expect(earlier.code).toMatch(/^\d{16}$/);
  return earlier.code!;
}

async function expectStoreIntact(dataDir: string, reports: number, filesDir = path.join(dataDir, 'files')): Promise<void> {
  const state = await inspectPortal(dataDir, filesDir);
  expect(state).toMatchObject({ integrity: 'ok', reports, withoutReceivedEvent: [], withoutAuditEntry: [], auditedWithoutReport: [], missingFiles: [], orphanFiles: [], tmpEntries: [] });
  // The earlier report's evidence still decrypts to what was stored.
  const rows = await portalEvidenceRows(dataDir);
  expect(rows.length).toBeGreaterThanOrEqual(1);
  for (const row of rows) expect(await decryptedSha256(dataDir, row.storedName, undefined, filesDir)).toBe(row.sha256);
}

describe('a full disk', () => {
  it.runIf(tmpfs.mounted)('on a 32 MB tmpfs: refused with a clear message, ENOSPC on both write paths, nothing stored harmed, health degraded', async () => {
    const dataDir = path.join(mountPoint, 'data');
    const filler = path.join(mountPoint, 'filler');
    const server: RunningServer = await startServer({ dataDir, templateDb: true, readyTimeoutMs: READY_MS, env: { ...BASE_ENV, SUNSHINE_MIN_FREE_DISK_MB: String(MIN_FREE_MB) } });
    servers.push(server);
    const code = await fileEarlierReport(server.url);
    const stored = fs.readdirSync(path.join(dataDir, 'files')).sort();
    const nothingWritten = () => {
      expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
      expect(fs.readdirSync(path.join(dataDir, 'files')).sort()).toEqual(stored);
    };
    const attempt = async (leave: number, sizes: number[]) => {
      fs.rmSync(filler, { force: true });
      const form = await openForm(server.url, '/report');
      fillUntil(filler, mountPoint, leave);
      return submitReport(server.url, { form, fields: { description: DESCRIPTION }, files: sizes.map((size, i) => ({ filename: `新照片${i + 1}.jpg`, content: bigJpeg(size) })) });
    };

    // 1. Below the minimum free space: files refused before anything is written.
    const below = await attempt(1 * MB, [1 * MB]);
    expectClearRefusal(below);
    nothingWritten();
    await server.waitForOutput(/upload refused: the data directory is below its free-space minimum/);
    await expectHealth(server.url, 503, 'degraded');
    expect(await trackCode(server.url, code)).toEqual({ status: 303, location: '/track/report' });

    // 2. Above the minimum, but a 5 MB upload does not fit: ENOSPC while the upload is written.
    const upload = await attempt(3 * MB, [5 * MB]);
    expectClearRefusal(upload);
    nothingWritten();
    await server.waitForOutput(/upload refused: no space left while writing it/);

    // 3. Room for the uploads (peak 4 MB) but not for their encrypted copies (peak 4.5 MB): ENOSPC
    //    while the first file is encrypted into the store.
    const encrypt = await attempt(4.25 * MB, [2 * MB, 0.5 * MB]);
    expectClearRefusal(encrypt);
    nothingWritten();
    await server.waitForOutput(/report not filed: the disk is full/);
    // Two files arrived and neither was kept: both are named for picking again.
    expect(encrypt.html).toMatch(/新照片1\.jpg、新照片2\.jpg/);
    expect(await trackCode(server.url, code)).toEqual({ status: 303, location: '/track/report' });

    // 4. Space freed: healthy again, and the same kind of submission goes through.
    fs.rmSync(filler);
    await expectHealth(server.url, 200, 'ok');
    const after = await submitReport(server.url, { fields: { description: DESCRIPTION }, files: [{ filename: '新照片.jpg', content: bigJpeg(1 * MB) }] });
    expect(after.status).toBe(200);
    expect(after.code).toMatch(/^\d{16}$/);
    expect(await trackCode(server.url, code)).toEqual({ status: 303, location: '/track/report' });

    await server.stop({ keepDataDir: true });
    await expectStoreIntact(dataDir, 2);
    await removePortal(dataDir);
  }, 2 * READY_MS);

  // Several app nodes (README "Run at scale") keep the evidence on a shared mount, SUNSHINE_EVIDENCE_DIR,
  // apart from each node's DATA_DIR: that mount is the one that fills. The upload itself fits (it is
  // written to DATA_DIR/tmp); its encrypted copy does not.
  it.runIf(tmpfs.mounted)('on a full evidence store (SUNSHINE_EVIDENCE_DIR on the tmpfs): refused with a clear message, no row, no file left in the store', async () => {
    const evidenceDir = path.join(mountPoint, 'evidence');
    const filler = path.join(mountPoint, 'evidence-filler');
    fs.mkdirSync(evidenceDir, { mode: 0o700 });
    const server: RunningServer = await startServer({ templateDb: true, readyTimeoutMs: READY_MS, env: { ...BASE_ENV, SUNSHINE_MIN_FREE_DISK_MB: String(MIN_FREE_MB), SUNSHINE_EVIDENCE_DIR: evidenceDir } });
    servers.push(server);
    const code = await fileEarlierReport(server.url);
    const stored = fs.readdirSync(evidenceDir).sort();
    expect(stored).toHaveLength(1);

    const form = await openForm(server.url, '/report');
    fillUntil(filler, mountPoint, 3 * MB);
    const refused = await submitReport(server.url, { form, fields: { description: DESCRIPTION }, files: [{ filename: '新照片1.jpg', content: bigJpeg(4 * MB) }] });
    expectClearRefusal(refused);
    await server.waitForOutput(/report not filed: the disk is full/);
    // Below the free-space minimum the node's health says so, though its own DATA_DIR has room.
    fillUntil(`${filler}-2`, mountPoint, 1 * MB);
    await expectHealth(server.url, 503, 'degraded');
    fs.rmSync(`${filler}-2`);
    expect(fs.readdirSync(evidenceDir).sort()).toEqual(stored);
    expect(fs.readdirSync(path.join(server.dataDir, 'tmp'))).toEqual([]);
    expect(await trackCode(server.url, code)).toEqual({ status: 303, location: '/track/report' });

    // Room again: the same submission goes through.
    fs.rmSync(filler);
    await expectHealth(server.url, 200, 'ok');
    const after = await submitReport(server.url, { fields: { description: DESCRIPTION }, files: [{ filename: '新照片1.jpg', content: bigJpeg(4 * MB) }] });
    expect(after.status).toBe(200);
    expect(after.code).toMatch(/^\d{16}$/);

    await server.stop({ keepDataDir: true });
    await expectStoreIntact(server.dataDir, 2, evidenceDir);
    await removePortal(server.dataDir);
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  }, 2 * READY_MS);

  it.runIf(!tmpfs.mounted)('simulated (no tmpfs): below the free-space minimum files are refused before writing, nothing stored harmed, health degraded', async () => {
    const first = await startServer({ templateDb: true, readyTimeoutMs: READY_MS, env: { ...BASE_ENV, SUNSHINE_MIN_FREE_DISK_MB: '0' } });
    servers.push(first);
    const code = await fileEarlierReport(first.url);
    await first.stop({ keepDataDir: true });
    const dataDir = first.dataDir;
    const stored = fs.readdirSync(path.join(dataDir, 'files')).sort();

    const minimum = Math.floor(freeBytes(dataDir) / MB) + 1024;
    if (minimum > 1_000_000) {
      console.warn(`[faults] WARNING: ${minimum} MB is above what SUNSHINE_MIN_FREE_DISK_MB accepts; simulated full-disk test skipped.`);
      await removePortal(dataDir);
      return;
    }
    const server: PlainServer = await startUnhealthyServer(dataDir, { ...BASE_ENV, SUNSHINE_MIN_FREE_DISK_MB: String(minimum) }, READY_MS);
    servers.push(server);
    await expectHealth(server.url, 503, 'degraded');
    const refused = await submitReport(server.url, { fields: { description: DESCRIPTION }, files: [{ filename: '新照片.jpg', content: bigJpeg(1 * MB) }] });
    expectClearRefusal(refused);
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'files')).sort()).toEqual(stored);
    expect(await trackCode(server.url, code)).toEqual({ status: 303, location: '/track/report' });
    await server.stop();

    await expectStoreIntact(dataDir, 1);
    await removePortal(dataDir);
  }, 2 * READY_MS);
});
