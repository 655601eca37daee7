// Builds the unit rows for every region (DESIGN.md §2, the units table).
import type { Region } from '../regions/index.js';

export type UnitKind = 'civil_affairs' | 'township_gov' | 'discipline' | 'department';
export type Department = 'police' | 'housing' | 'health';

export interface UnitSeed {
  key: string;
  kind: UnitKind;
  department: Department | null;
  regionCode: string;
  name: string;
  /** Key of the supervising unit, resolved to an id on insert. */
  supervisorKey: string | null;
  email: string;
}

const DEPARTMENTS: { department: Department; suffix: string }[] = [
  { department: 'police', suffix: '公安局' },
  { department: 'housing', suffix: '住房和城乡建设局' },
  { department: 'health', suffix: '卫生健康局' },
];

export const STATIONED_GROUP_KEY = 'dic:220000:stationed';

function email(key: string): string {
  return `${key.replace(/:/g, '-')}@units.sunshine.invalid`;
}

function unit(key: string, kind: UnitKind, regionCode: string, name: string, supervisorKey: string | null, department: Department | null = null): UnitSeed {
  return { key, kind, department, regionCode, name, supervisorKey, email: email(key) };
}

function countyPrefix(county: Region): string {
  return county.kind === 'changbaishan_area' ? `长白山${county.name}` : county.name;
}

/**
 * Regions are passed top-down (province, prefectures, counties, townships); supervisors therefore
 * always come before the units they supervise.
 */
export function unitSeeds(province: Region, prefectures: Region[], counties: Region[], townships: Region[]): UnitSeed[] {
  const seeds: UnitSeed[] = [];
  const ca = (code: string) => `ca:${code}`;
  const dic = (code: string) => `dic:${code}`;
  seeds.push(unit(ca(province.code), 'civil_affairs', province.code, '吉林省民政厅', null));
  seeds.push(unit(dic(province.code), 'discipline', province.code, '吉林省纪委监委', null));
  seeds.push(unit(STATIONED_GROUP_KEY, 'discipline', province.code, '驻省民政厅纪检监察组', dic(province.code)));
  for (const p of prefectures) {
    const cbs = p.kind === 'changbaishan';
    seeds.push(unit(ca(p.code), 'civil_affairs', p.code, `${p.name}民政局`, ca(province.code)));
    seeds.push(unit(dic(p.code), 'discipline', p.code, cbs ? `${p.name}纪工委` : `${p.name}纪委监委`, dic(province.code)));
  }
  for (const c of counties) {
    const name = countyPrefix(c);
    const zone = c.isDevelopmentZone;
    seeds.push(unit(ca(c.code), 'civil_affairs', c.code, zone ? `${name}社会事务局` : `${name}民政局`, ca(c.parentCode!)));
    seeds.push(unit(dic(c.code), 'discipline', c.code, zone ? `${name}纪工委` : `${name}纪委监委`, dic(c.parentCode!)));
    for (const d of DEPARTMENTS) seeds.push(unit(`dept:${c.code}:${d.department}`, 'department', c.code, `${name}${d.suffix}`, null, d.department));
  }
  for (const t of townships) {
    const name = t.name.endsWith('街道') ? `${t.name}办事处` : `${t.name}人民政府`;
    seeds.push(unit(`gov:${t.code}`, 'township_gov', t.code, name, ca(t.parentCode!)));
  }
  return seeds;
}
