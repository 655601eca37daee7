import { describe, expect, it } from 'vitest';
import { idCheckChar, idNumberHash, validateIdNumber } from '../../src/disclosure/id-number.js';
import { breakCheck, makeId, withCheckChar } from './ids.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const KEY = Buffer.alloc(32, 7);
const check = (raw: string, opts = {}) => validateIdNumber(raw, { now: NOW, ...opts });

describe('validateIdNumber (GB 11643-1999)', () => {
  it("accepts the standard's own example 11010519491231002X, with x in either case", () => {
    expect(check('11010519491231002X')).toEqual({ ok: true, normalized: '11010519491231002X', legacy15: false });
    expect(check('11010519491231002x')).toMatchObject({ ok: true, normalized: '11010519491231002X' });
  });

  it("computes the standard's second example's check character, but refuses its 1880 birth date", () => {
    // 440524188001010014 (GB 11643-1999 annex): check character 4 is right, the year is before 1900.
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(check('440524188001010014')).toEqual({ ok: false, reason: 'birthdate' });
  });

  it('accepts numbers built with the algorithm, for every check character', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 60; seq++) {
      const id = makeId('19620701', seq);
      seen.add(id.charAt(17));
      expect(check(id)).toMatchObject({ ok: true, normalized: id });
    }
    expect(seen.size).toBe(11); // 0–9 and X all occurred
  });

  it('normalises full-width digits, spaces and a leading apostrophe', () => {
    const id = makeId('19500315', 1);
    const fullWidth = id.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(check(fullWidth)).toMatchObject({ ok: true, normalized: id });
    expect(check(`${id.slice(0, 6)} ${id.slice(6, 14)}\u3000${id.slice(14)}`)).toMatchObject({ ok: true, normalized: id });
    expect(check(`'${id}`)).toMatchObject({ ok: true, normalized: id });
    expect(check('１１０１０５１９４９１２３１００２Ｘ')).toMatchObject({ ok: true, normalized: '11010519491231002X' });
  });

  it('gives the reason for each kind of bad number', () => {
    const good = makeId('19500315', 1);
    expect(check('')).toEqual({ ok: false, reason: 'length' });
    expect(check(good.slice(0, 17))).toEqual({ ok: false, reason: 'length' });
    expect(check(good + '1')).toEqual({ ok: false, reason: 'length' });
    expect(check('2201031950031500AX')).toEqual({ ok: false, reason: 'format' });
    expect(check('22010319500315001Y')).toEqual({ ok: false, reason: 'format' });
    expect(check(makeId('19500315', 1, '990103'))).toEqual({ ok: false, reason: 'region' });
    expect(check(makeId('19500315', 1, '000103'))).toEqual({ ok: false, reason: 'region' });
    expect(check(breakCheck(good))).toEqual({ ok: false, reason: 'checksum' });
  });

  it('requires a real birth date after 1900 and not in the future (China time)', () => {
    expect(check(makeId('19000101', 1))).toMatchObject({ ok: true });
    expect(check(makeId('18991231', 1))).toEqual({ ok: false, reason: 'birthdate' });
    expect(check(makeId('19500230', 1))).toEqual({ ok: false, reason: 'birthdate' });
    expect(check(makeId('19501301', 1))).toEqual({ ok: false, reason: 'birthdate' });
    expect(check(makeId('20000229', 1))).toMatchObject({ ok: true }); // leap year
    expect(check(makeId('19000229', 1))).toEqual({ ok: false, reason: 'birthdate' }); // 1900 was not
    expect(check(makeId('20250601', 1))).toMatchObject({ ok: true }); // today in Beijing (08:00)
    expect(check(makeId('20250602', 1))).toEqual({ ok: false, reason: 'birthdate' });
  });

  it('converts 15-digit legacy numbers to the 18-digit form, unless turned off', () => {
    const old = '220103500315001'; // born 1950-03-15, sequence 001
    expect(check(old)).toEqual({ ok: true, normalized: withCheckChar('22010319500315001'), legacy15: true });
    expect(check(old, { allowLegacy15: false })).toEqual({ ok: false, reason: 'length' });
    expect(check('22010350031500A')).toEqual({ ok: false, reason: 'format' });
    expect(check('220103500230001')).toEqual({ ok: false, reason: 'birthdate' });
  });

  it('never puts the number into a failure', () => {
    const bad = breakCheck(makeId('19500315', 1));
    expect(JSON.stringify(check(bad))).not.toContain(bad.slice(0, 17));
  });
});

describe('idNumberHash', () => {
  const id = makeId('19500315', 1);

  it('is a keyed hash (HMAC-SHA256, or HMAC-SM3 under the SM profile): stable per key, different across keys', () => {
    const h = idNumberHash(KEY, id);
    expect(h).toMatch(/^(sm3:)?[0-9a-f]{64}$/);
    expect(idNumberHash(KEY, id)).toBe(h);
    expect(idNumberHash(Buffer.alloc(32, 8), id)).not.toBe(h);
    expect(idNumberHash(KEY, makeId('19500315', 2))).not.toBe(h);
  });

  it('gives the same hash for a 15-digit number and its 18-digit form', () => {
    const old = check('220103500315001');
    expect(old.ok && idNumberHash(KEY, old.normalized)).toBe(idNumberHash(KEY, id));
  });

  it('refuses unnormalised input and short keys without echoing the number', () => {
    expect(() => idNumberHash(KEY, id.toLowerCase() + ' ')).toThrow(/normalized/);
    try {
      idNumberHash(KEY, `${id} `);
    } catch (err) {
      expect(String(err)).not.toContain(id);
    }
    expect(() => idNumberHash(Buffer.alloc(8), id)).toThrow(/key/);
  });
});
