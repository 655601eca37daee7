// A concluded report's problems are put right through rectification items (整改), which are the
// ledger's (src/ledger). The ledger depends on the reports domain, never the other way round
// (issue 17), so casework only tells who keeps the items:
//
//   onRectificationStarted(async (ctx, items, now) => …)   // the ledger writes them, with ctx.db (the step's tx)
//   answerRectificationItems(async (db, reportId) => …)     // and answers what the report page lists
//
// The ledger registers both when its index loads (the app always loads it).
import type { Executor } from '../../db/executor.js';
import { changeSignal } from '../../shared/change-signal.js';

export interface RectificationContext {
  /** The transaction of the step that starts the rectification. */
  db: Executor;
}

/** One item to open for a report, as the handler wrote it. */
export interface NewRectificationItem {
  reportId: number;
  regionCode: string;
  unitId: number;
  problem: string;
  measures: string;
  responsiblePerson: string;
  deadline: string;
  createdBy: number;
}

/** What the report page shows of an item. */
export interface RectificationItem {
  id: number;
  problem: string;
  measures: string;
  responsiblePerson: string;
  deadline: string;
  status: string;
}

export type RectificationItemsReader = (db: Executor, reportId: number) => Promise<RectificationItem[]>;

const started = changeSignal<RectificationContext, NewRectificationItem>();

/** Registers the keeper of the items (once). */
export const onRectificationStarted = started.on;

/** Awaited by casework inside the step's transaction: a keeper that throws rolls the step back. */
export const rectificationStarted = started.emit;

let reader: RectificationItemsReader | undefined;

/** Registers who answers for a report's items. */
export function answerRectificationItems(read: RectificationItemsReader): void {
  reader = read;
}

/** Fails loudly when nothing keeps the items: a report would otherwise wait for items that never exist. */
export function requireItemKeeper(): RectificationItemsReader {
  if (!reader) throw new Error('No keeper of rectification items is registered: load the ledger (src/ledger/index.ts)');
  return reader;
}

/** The report's items, through their keeper. */
export async function rectificationItemsOf(db: Executor, reportId: number): Promise<RectificationItem[]> {
  return requireItemKeeper()(db, reportId);
}
