// The audit administrator's exports: the live log as JSON lines (the same line format as archive
// files, so one tool reads both), read a page at a time so a long log is streamed, not buffered.
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Db } from '../db/connection.js';
import { archiveDir, entryLine } from './archive.js';
import * as repo from './repository.js';

const PAGE = 1000;

/** The live entries up to the head at the time of the call, as a stream of JSON lines. */
export async function liveLogStream(db: Db): Promise<Readable> {
  const headId = (await repo.latestEntry(db))?.id ?? 0;
  let afterId = 0;
  return Readable.from(
    (async function* () {
      for (;;) {
        const page = (await repo.entriesAfter(db, afterId, PAGE)).filter((e) => e.id <= headId);
        if (page.length === 0) return;
        yield page.map((e) => `${entryLine(e)}\n`).join('');
        afterId = page[page.length - 1]!.id;
      }
    })(),
  );
}

/** An archive row and the path of its file, or undefined for an unknown id. */
export async function archiveFile(db: Db, dataDir: string, id: number): Promise<{ archive: repo.ArchiveRow; file: string } | undefined> {
  const archive = await repo.findArchive(db, id);
  return archive ? { archive, file: path.join(archiveDir(dataDir), path.basename(archive.fileName)) } : undefined;
}
