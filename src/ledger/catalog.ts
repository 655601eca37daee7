// The fixed vocabularies of the problem list and rectification ledger (问题清单和整改台账, issue 6).
import { todayInChina, type IsoDate } from '../clocks/index.js';

/** Where an item came from. `report` items are created by casework (supervision.startRectification). */
export const SOURCES = [
  'special_governance', // 专项治理
  'inspection_tour', // 巡视
  'assessment', // 考核
  'spot_check', // 明查暗访
  'report', // 举报
] as const;
export type Source = (typeof SOURCES)[number];

/** Sources staff may enter directly on the ledger; report items come from a report's conclusion. */
export const ENTERABLE_SOURCES = SOURCES.filter((s) => s !== 'report');

export const ITEM_STATUSES = ['not_started', 'in_progress', 'awaiting_signoff', 'signed_off'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export function isSource(v: unknown): v is Source {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
}
export function isItemStatus(v: unknown): v is ItemStatus {
  return typeof v === 'string' && (ITEM_STATUSES as readonly string[]).includes(v);
}

/** Overdue: past its deadline (China dates) and not yet signed off. The deadline day itself is still on time. */
export function isOverdue(item: { deadline: string; status: string }, today: IsoDate = todayInChina()): boolean {
  return item.status !== 'signed_off' && item.deadline < today;
}
