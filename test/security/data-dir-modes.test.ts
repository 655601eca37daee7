// Issue 16 defect 10: while the server ran, DATA_DIR's files were 0644 and its folders 0755 — the
// database holds report texts and session ids. A started server with a filing and its evidence
// leaves nothing in DATA_DIR that another account could read, even from a template copied in 0644.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { bigJpeg, submitReport } from '../faults/client.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ templateDb: true, readyTimeoutMs: 90_000, env: { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0', SUNSHINE_MIN_FREE_DISK_MB: '0' } });
}, 100_000);
afterAll(async () => {
  await server?.stop();
});

function walk(dir: string): string[] {
  return [dir, ...fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))];
}

describe('DATA_DIR permissions', () => {
  it('keeps every file and folder to its owner', async () => {
    const filed = await submitReport(server.url, { fields: { description: '村干部把亲戚评成低保户，我有照片为证，请核查处理。' }, files: [{ filename: '照片.jpg', content: bigJpeg(80_000) }] });
    expect(filed.status).toBe(200);
    const open = walk(server.dataDir).filter((p) => (fs.statSync(p).mode & 0o077) !== 0).map((p) => `${path.relative(server.dataDir, p) || '.'} ${(fs.statSync(p).mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
    expect(walk(server.dataDir).some((p) => p.endsWith('sunshine.db'))).toBe(true);
  }, 60_000);
});
