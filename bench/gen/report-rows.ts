// The row shape of `reports` (migrations 0001 + 0002, rated_at from 0008) for bulk inserts, the pending-step type and
// a binary heap that releases steps in time order.
import type { BulkActor } from './audit.js';

export const REPORT_COLUMNS = [
  'id', 'case_no', 'receipt_digest', 'submission_digest', 'receipt_for_retry', 'channel', 'category', 'place_code', 'place_other', 'county_code',
  'township_code', 'subject_name', 'subject_position', 'subject_is_head', 'description', 'happened_at', 'real_name', 'identity_sealed', 'handling_unit_id',
  'status', 'received_at', 'updated_at', 'objection_entry_id', 'rating', 'answer_first_opened_at', 'accepted_at', 'assigned_unit_id', 'assignee_id',
  'assigned_at', 'assignment_due', 'handling_due', 'extension_days', 'extension_request', 'finding', 'answer_draft', 'concluded_at', 'merged_into_id',
  'review_level', 'review_unit_id', 'status_before_review', 'clock_rule', 'due_on', 'paused_since', 'hasten_pending', 'escalated_for', 'reminded_for',
  'rated_at',
] as const;

export type ReportRow = Record<(typeof REPORT_COLUMNS)[number], string | number | Buffer | null> & { status: string; place_code: string; due_on: string | null; handling_due: string | null };

export function newReportRow(values: Partial<ReportRow>): ReportRow {
  const row = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, null])) as unknown as ReportRow;
  row.review_level = 0;
  row.hasten_pending = 0;
  return Object.assign(row, values);
}

export interface Step {
  at: number;
  /** Tie-break: steps of one instant in the order they were planned. */
  seq: number;
  reportId: number;
  actor: BulkActor;
  events: { type: string; visible: boolean; body?: string | null; data?: Record<string, unknown> | null }[];
  action: string;
  detail?: Record<string, unknown>;
  /** A rectification item opened by this step (supervision.startRectification). */
  item?: { region: string; unit: number; deadline: string; by: number };
  /** The report's item signed off by this user (supervision.signOffItem). */
  signOff?: number;
}

export class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.before(a[i]!, a[parent]!) >= 0) break;
      const tmp = a[i]!;
      a[i] = a[parent]!;
      a[parent] = tmp;
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        const tmp = a[i]!;
        a[i] = a[m]!;
        a[m] = tmp;
        i = m;
      }
    }
    return top;
  }
}
