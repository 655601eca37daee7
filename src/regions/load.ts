// Builds the region rows from data-source/ (provenance in data-source/README.md).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DATA_SOURCE_DIR = fileURLToPath(new URL('../../data-source', import.meta.url));

export type RegionLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village';

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  kind: string;
  parentCode: string | null;
  nbsCode: string | null;
  isDevelopmentZone: boolean;
  inGbt2260: boolean;
}

interface SourceTownship { code: string; name: string; kind: string }
interface SourceCounty { code: string; name: string; kind: string; inGBT2260: boolean; townships: SourceTownship[] }
interface SourceRegions {
  province: { code: string; name: string };
  prefectures: { code: string; name: string; counties: SourceCounty[] }[];
}

/**
 * 长白山管委会 has no GB/T 2260 code: it gets prefecture-level node 229900 and three county-level
 * areas; the NBS "特殊乡镇" rows for those areas move under them (DESIGN.md §2).
 */
export const CHANGBAISHAN = {
  code: '229900',
  name: '长白山管委会',
  areas: [
    { code: '229901', name: '池北区', nbsTownship: '222426120' },
    { code: '229902', name: '池西区', nbsTownship: '220621120' },
    { code: '229903', name: '池南区', nbsTownship: '220621121' },
  ],
} as const;

export function readRegionRows(dir = DATA_SOURCE_DIR): RegionRow[] {
  const source = JSON.parse(fs.readFileSync(`${dir}/jilin-regions.json`, 'utf8')) as SourceRegions;
  const villages = JSON.parse(fs.readFileSync(`${dir}/jilin-villages.json`, 'utf8')) as { villages: [string, string][] };
  const areaOfTownship = new Map<string, string>(CHANGBAISHAN.areas.map((a) => [a.nbsTownship, a.code]));
  const rows: RegionRow[] = [];
  const base = { nbsCode: null, isDevelopmentZone: false, inGbt2260: true };
  rows.push({ ...base, code: source.province.code, name: source.province.name, level: 'province', kind: 'province', parentCode: null });
  for (const prefecture of source.prefectures) {
    rows.push({ ...base, code: prefecture.code, name: prefecture.name, level: 'prefecture', kind: 'prefecture', parentCode: source.province.code });
    for (const county of prefecture.counties) {
      const zone = county.kind === 'functional_zone';
      rows.push({
        ...base,
        code: county.code,
        name: county.name,
        level: 'county',
        kind: county.kind,
        parentCode: prefecture.code,
        isDevelopmentZone: zone,
        inGbt2260: county.inGBT2260,
        nbsCode: zone ? county.code : null,
      });
      for (const township of county.townships) {
        const area = areaOfTownship.get(township.code);
        rows.push({
          ...base,
          code: township.code,
          name: township.name,
          level: 'township',
          kind: township.kind,
          parentCode: area ?? county.code,
          nbsCode: township.code,
          isDevelopmentZone: area !== undefined,
          inGbt2260: area === undefined,
        });
      }
    }
  }
  rows.push({ ...base, code: CHANGBAISHAN.code, name: CHANGBAISHAN.name, level: 'prefecture', kind: 'changbaishan', parentCode: source.province.code, isDevelopmentZone: true, inGbt2260: false });
  for (const area of CHANGBAISHAN.areas) {
    rows.push({ ...base, code: area.code, name: area.name, level: 'county', kind: 'changbaishan_area', parentCode: CHANGBAISHAN.code, isDevelopmentZone: true, inGbt2260: false });
  }
  for (const [code, name] of villages.villages) {
    // The source links a village to its township by its first nine digits (data-source meta);
    // NBS numbers 居委会 (communities) 001–199 and 村委会 (villages) 200 and up.
    rows.push({ ...base, code, name, level: 'village', kind: Number(code.slice(9)) < 200 ? 'community' : 'village', parentCode: code.slice(0, 9), nbsCode: null });
  }
  return rows;
}

/** Each region with every ancestor (itself at depth 0), following parent links only. */
export function ancestorPairs(rows: RegionRow[]): { regionCode: string; ancestorCode: string; depth: number }[] {
  const parent = new Map(rows.map((r) => [r.code, r.parentCode]));
  const pairs: { regionCode: string; ancestorCode: string; depth: number }[] = [];
  for (const row of rows) {
    let current: string | null | undefined = row.code;
    let depth = 0;
    while (current) {
      pairs.push({ regionCode: row.code, ancestorCode: current, depth });
      current = parent.get(current);
      depth += 1;
      if (depth > 8) throw new Error(`region parent cycle at ${row.code}`);
    }
  }
  return pairs;
}
