// Demo hotlines: each civil-affairs unit's complaint number, with its city's real area code.
import type { Db } from '../db/connection.js';
import { insertHotlines } from '../hotlines/index.js';
import { listUnits } from '../units/index.js';

const AREA_CODES: Record<string, string> = {
  '2201': '0431', '2202': '0432', '2203': '0434', '2204': '0437', '2205': '0435',
  '2206': '0439', '2207': '0438', '2208': '0436', '2224': '0433', '2299': '0433', '2200': '0431',
};

export async function seedDemoHotlines(db: Db, now: number): Promise<number> {
  const civil = await listUnits(db, 'civil_affairs');
  const rows = civil.map((u) => {
    // Deterministic digits from the region code, so a reseed shows the same numbers.
    const digits = String((Number(u.regionCode) * 7919) % 10_000_000).padStart(7, '0');
    return {
      unitId: u.id,
      regionCode: u.regionCode,
      phone: `${AREA_CODES[u.regionCode.slice(0, 4)] ?? '0431'}-8${digits}`,
      dutyHours: u.regionCode === '220000' ? '工作日 8:30–17:00' : '工作日 8:30–11:30，13:00–16:30',
      note: null,
      updatedAt: now,
    };
  });
  await insertHotlines(db, rows);
  return rows.length;
}
