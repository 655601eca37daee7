// Issue 19 item 15: a date typed into a browser without a date picker (2026/12/7, 2026年12月7日,
// 2026.12.7) reads as the YYYY-MM-DD a picker would post; anything ambiguous or unreal is refused.
import { describe, expect, it } from 'vitest';
import { dateFieldValue, parseDateInput } from '../../src/shared/date-input.js';

describe('parseDateInput', () => {
  it.each([
    ['2026-12-07', '2026-12-07'],
    ['2026-12-7', '2026-12-07'],
    ['2026/12/7', '2026-12-07'],
    ['2026/12/07', '2026-12-07'],
    ['2026.12.7', '2026-12-07'],
    ['2026年12月7日', '2026-12-07'],
    ['2026年12月07日', '2026-12-07'],
    ['2026 年 12 月 7 日', '2026-12-07'],
    ['2026年12月7号', '2026-12-07'],
    ['2026年12月7', '2026-12-07'],
    ['2026년 12월 7일', '2026-12-07'],
    ['  2026/1/5 ', '2026-01-05'],
    ['２０２６／１２／７', '2026-12-07'],
    ['２０２６年１２月７日', '2026-12-07'],
    ['2028-02-29', '2028-02-29'],
  ])('reads %j as %s', (typed, iso) => {
    expect(parseDateInput(typed)).toBe(iso);
  });

  it.each([
    [''],
    ['   '],
    ['12/07/2026'], // month or day first: cannot be told apart
    ['07.12.2026'],
    ['26/12/7'], // two-digit year
    ['2026-02-30'],
    ['2027-02-29'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-12-00'],
    ['2026/12-7'], // mixed separators
    ['2026年12月'],
    ['2026-12-07T08:00'],
    ['明天'],
    ['20261207'],
  ])('refuses %j', (typed) => {
    expect(parseDateInput(typed)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(parseDateInput(undefined)).toBeNull();
    expect(parseDateInput(20261207)).toBeNull();
    expect(parseDateInput(['2026-12-07'])).toBeNull();
  });
});

describe('dateFieldValue', () => {
  it('gives the YYYY-MM-DD form when the text is a date, else the text as typed', () => {
    expect(dateFieldValue('2026年12月7日')).toBe('2026-12-07');
    expect(dateFieldValue(' 12/07/2026 ')).toBe('12/07/2026');
    expect(dateFieldValue(undefined)).toBe('');
  });
});
