import { describe, expect, it } from 'vitest';
import { perDatabase } from '../../src/db/per-database.js';

describe('perDatabase', () => {
  it('loads once per database and key, keeps nothing for undefined, and forgets on clear', () => {
    const kept = perDatabase<string, number>();
    const [a, b] = [{}, {}];
    let loads = 0;
    const load = (v: number | undefined) => () => (loads++, v);
    expect(kept.get(a, 'x', load(1))).toBe(1);
    expect(kept.get(a, 'x', load(2))).toBe(1);
    expect(kept.get(b, 'x', load(3))).toBe(3);
    expect(kept.get(a, 'y', load(undefined))).toBeUndefined();
    expect(kept.get(a, 'y', load(4))).toBe(4);
    kept.clear(a);
    expect(kept.get(a, 'x', load(5))).toBe(5);
    expect(kept.get(b, 'x', load(6))).toBe(3);
    expect(loads).toBe(5);
  });
});
