// The cells of one valid exchange-file row, for the format tests that read a row without a file:
// each test overrides only the cells it is about.
import type { Column } from '../../src/exchange/file/format.js';

export const cells = (over: Partial<Record<Column, unknown>> = {}): Partial<Record<Column, unknown>> => ({
  source_system: 'jl-12345',
  work_order_no: 'A-1',
  channel: 'phone',
  received_at: '2026-11-02T09:30:00+08:00',
  category: 'left_out',
  place_code: '220102001001',
  text: '反映内容',
  status: 'received',
  ...over,
});
