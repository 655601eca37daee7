// A full disk (issue 9, faults): recognised wherever it surfaces, so that the person is told the
// server has no room — not that their file is damaged, and not with an error page.
import fs from 'node:fs';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** ENOSPC or EDQUOT from the file system, SQLITE_FULL from the database, or either as a cause (ffmpeg says it in words). */
export function isDiskFull(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    if (/No space left on device|Disk quota exceeded/i.test(String((current as { message?: unknown }).message ?? ''))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether every folder has at least `minFreeBytes` free (the data directory's reserve, SUNSHINE_MIN_FREE_DISK_MB). */
export async function hasFreeSpace(folders: string[], minFreeBytes: number): Promise<boolean> {
  if (minFreeBytes <= 0) return true;
  for (const folder of folders) {
    const stats = await fs.promises.statfs(folder);
    if (stats.bavail * stats.bsize < minFreeBytes) return false;
  }
  return true;
}
