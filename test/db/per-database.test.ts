import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { connectionOf, perDatabase } from '../../src/db/per-database.js';
import { withTransaction } from '../../src/db/transaction.js';

describe('perDatabase', () => {
  it('loads once per database and key, keeps nothing for undefined, and forgets on clear', async () => {
    const kept = perDatabase<string, number>();
    const [a, b] = [{}, {}];
    let loads = 0;
    const load = (v: number | undefined) => () => (loads++, v);
    expect(await kept.get(a, 'x', load(1))).toBe(1);
    expect(await kept.get(a, 'x', load(2))).toBe(1);
    expect(await kept.get(b, 'x', load(3))).toBe(3);
    expect(await kept.get(a, 'y', load(undefined))).toBeUndefined();
    expect(await kept.get(a, 'y', async () => (loads++, 4))).toBe(4);
    kept.clear(a);
    expect(await kept.get(a, 'x', load(5))).toBe(5);
    expect(await kept.get(b, 'x', load(6))).toBe(3);
    expect(loads).toBe(5);
  });

  it('keys by the connection: a withTransaction handle shares what the database keeps', async () => {
    const db = openDatabase(':memory:');
    try {
      const kept = perDatabase<string, number>();
      expect(await kept.get(db, 'x', () => 1)).toBe(1);
      await withTransaction(db, async (tx) => {
        expect(await kept.get(tx, 'x', () => 2)).toBe(1);
      });
      await withTransaction(db, async (tx) => {
        expect(connectionOf(tx)).toBe(db.$client);
      });
      kept.clear(db);
      expect(await kept.get(db, 'x', () => 4)).toBe(4);
      expect(await kept.get(openDatabase(':memory:'), 'x', () => 5)).toBe(5);
    } finally {
      db.$client.close();
    }
  });

  it('does not keep a value loaded across a clear', async () => {
    const kept = perDatabase<string, number>();
    const a = {};
    let release!: (v: number) => void;
    const slow = kept.get(a, 'x', () => new Promise<number>((r) => (release = r)));
    kept.clear(a);
    release(1);
    expect(await slow).toBe(1);
    expect(await kept.get(a, 'x', () => 2)).toBe(2);
  });
});
