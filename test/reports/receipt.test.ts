import { describe, expect, it } from 'vitest';
import { groupQueryCode, newQueryCode, normalizeQueryCode, queryCodeDigest } from '../../src/reports/receipt.js';

describe('query code', () => {
  it('is 16 random digits', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newQueryCode()));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^\d{16}$/);
  });

  it('groups 4-4-4-4 and accepts what people type', () => {
    expect(groupQueryCode('1234567890123456')).toBe('1234 5678 9012 3456');
    expect(normalizeQueryCode('1234 5678-9012 3456')).toBe('1234567890123456');
    expect(normalizeQueryCode('１２３４５６７８９０１２３４５６')).toBe('1234567890123456');
    expect(normalizeQueryCode('123456789012345')).toBeNull();
    expect(normalizeQueryCode('12345678901234567')).toBeNull();
    expect(normalizeQueryCode('abcd567890123456')).toBeNull();
  });

  it('is looked up by a keyed digest', () => {
    const a = queryCodeDigest(Buffer.alloc(32, 1), '1234567890123456');
    expect(a).toMatch(/^(sm3:)?[0-9a-f]{64}$/);
    expect(a).not.toContain('1234567890123456');
    expect(queryCodeDigest(Buffer.alloc(32, 2), '1234567890123456')).not.toBe(a);
  });
});
