// npm run exchange:import / exchange:export: a file imported all or nothing from the command line
// (a broken row printed by number, nothing written), the same file again changes nothing, and the
// export writes the items back in the format, limited to a unit; an existing --out is refused.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as exportMain } from '../../src/exchange/file/cli-export.js';
import { main as importMain } from '../../src/exchange/file/cli-import.js';
import { COLUMNS } from '../../src/exchange/file/format.js';
import { childrenOf } from '../../src/regions/index.js';
import { reportCount } from '../../src/reports/index.js';
import { capture, dataDir } from '../cli/helpers.js';
import { cliPortal, type CliPortal } from '../cli/portal-database.js';

const KEY = Buffer.alloc(32, 9);
const dir = dataDir();
let portal: CliPortal;
let village: string;
let otherVillage: string;

beforeAll(async () => {
  portal = await cliPortal(dir, KEY);
  village = (await childrenOf(portal.db, (await childrenOf(portal.db, '220102'))[0]!.code))[0]!.code;
  otherVillage = (await childrenOf(portal.db, (await childrenOf(portal.db, '220104'))[0]!.code))[0]!.code;
});
afterAll(async () => {
  await portal?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function row(no: string, place: string, category = 'bribery'): string[] {
  const v: Record<string, string> = { source_system: 'jl-12345-file', work_order_no: no, source: 'hotline_12345', source_ref: no, channel: 'phone', received_at: '2026-11-20T08:15:00+08:00', category, place_code: place, text: `来电反映：发放低保金时被索要好处费（${no}）。`, status: 'received', steps: 'received@2026-11-20T08:15:00+08:00' };
  return COLUMNS.map((c) => v[c] ?? '');
}
const write = (name: string, rows: string[][]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify([[...COLUMNS], ...rows]));
  return file;
};

describe('npm run exchange:import and exchange:export', () => {
  it('imports all or nothing, and again changes nothing', async () => {
    const broken = capture();
    expect(await importMain(['--file', write('broken.csv', [row('F-1', village), row('F-2', village, 'nonsense'), row('F-1', village)])], portal.env, broken)).toBe(1);
    expect(broken.text()).toContain('row 3 category');
    expect(broken.text()).toContain('row 4 work_order_no: 与第 2 行的来源系统和工单号相同。');
    expect(await reportCount(portal.db)).toBe(0);

    const file = write('items.csv', [row('F-1', village), row('F-2', otherVillage)]);
    const scoped = capture();
    expect(await importMain(['--file', file, '--unit', 'ca:220102'], portal.env, scoped)).toBe(1);
    expect(scoped.text()).toContain('row 3 place_code');

    const io = capture();
    expect(await importMain(['--file', file], portal.env, io)).toBe(0);
    expect(io.text()).toContain('2 items (csv): 2 filed, 0 with new steps, 0 unchanged');
    const again = capture();
    expect(await importMain(['--file', file], portal.env, again)).toBe(0);
    expect(again.text()).toContain('0 filed, 0 with new steps, 2 unchanged');
    expect(await reportCount(portal.db)).toBe(2);
  });

  it('exports the items of a unit in the format, and refuses to overwrite a file', async () => {
    const out = path.join(dir, 'out.json');
    const io = capture();
    expect(await exportMain(['--out', out, '--unit', 'ca:220102', '--from', '2026-11-20', '--to', '2026-11-20'], portal.env, io)).toBe(0);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as { format: string; version: number; items: Record<string, unknown>[] };
    expect(doc).toMatchObject({ format: 'sunshine-exchange', version: 1 });
    expect(doc.items.map((i) => [i.source_system, i.work_order_no, i.place_code, i.status])).toEqual([['jl-12345-file', 'F-1', village, 'received']]);
    expect(await exportMain(['--out', out], portal.env, capture())).toBe(2);
    expect(await exportMain(['--out', path.join(dir, 'x.txt')], portal.env, capture())).toBe(2);
  });
});
