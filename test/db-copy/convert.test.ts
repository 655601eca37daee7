// The copy's conversions of SQLite values into PostgreSQL's types, and its table order (issue 21).
// No database: these run in every suite.
import { describe, expect, it } from 'vitest';
import { converterFor } from '../../src/db-copy/convert.js';
import { dependencyOrder } from '../../src/db-copy/order.js';
import { CopyError } from '../../src/db-copy/errors.js';

const where = () => 'reports.created_at (rowid 7, column 3)';

describe('db:copy conversions', () => {
  it('turns integer milliseconds into timestamptz text, 0/1 into booleans, blobs into bytes', () => {
    expect(converterFor('timestamp with time zone', where)(Date.parse('2026-05-04T03:02:01.009Z'))).toBe('2026-05-04T03:02:01.009Z');
    expect(converterFor('timestamp with time zone', where)(null)).toBeNull();
    expect(converterFor('boolean', where)(1)).toBe(true);
    expect(converterFor('boolean', where)(0)).toBe(false);
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(converterFor('bytea', where)(bytes)).toBe(bytes);
    expect(converterFor('integer', where)(42)).toBe(42);
    expect(converterFor('text', where)(12)).toBe('12');
    expect(converterFor('tsvector', where)('低保 保户')).toBe('低保 保户');
  });

  it('stops with the table, column and rowid on a value that fits no column', () => {
    const bad: [string, unknown][] = [
      ['timestamp with time zone', 'yesterday'],
      ['timestamp with time zone', 1.5],
      ['boolean', 2],
      ['integer', 'x'],
      ['text', 'a\u0000b'],
    ];
    for (const [type, value] of bad) {
      expect(() => converterFor(type, where)(value)).toThrowError(CopyError);
      expect(() => converterFor(type, where)(value)).toThrowError(/^reports\.created_at \(rowid 7, column 3\): .* does not fit /);
    }
  });

  it('orders tables after those they refer to, a table referring to itself included, and refuses a cycle', () => {
    const keys = [
      { from: 'reports', to: 'units' },
      { from: 'report_events', to: 'reports' },
      { from: 'units', to: 'units' },
      { from: 'users', to: 'units' },
    ];
    expect(dependencyOrder(['report_events', 'reports', 'users', 'units', 'audit_log'], keys)).toEqual(['audit_log', 'units', 'reports', 'users', 'report_events']);
    expect(() => dependencyOrder(['a', 'b'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toThrowError(/form a cycle/);
  });
});
