// Which pages the bench drives, chosen from the generated data: a village with the median roster
// size (and the largest village, reported beside it), the largest county roster and a cursor 80 %
// deep into it (the id the page before it ended on, as the page's own "next" link would carry), a
// village-name word with a few dozen hits, and the inbox filter (a county of the bench user's
// prefecture with the most reports, status closed).
import type Database from 'better-sqlite3';

export interface Targets {
  /** A typical village: the median roster size among rural villages. */
  village: { code: string; active: number };
  /** The village with the longest roster (its first page lists its large initial posting in full). */
  largestVillage: { code: string; active: number };
  county: { code: string; active: number; deepAfter: number; deepPage: number };
  villageQuery: { q: string; villages: number };
  caseQuery: string;
  inbox: { status: string; region: string; matching: number };
}

const PAGE = 50;

export function chooseTargets(sqlite: Database.Database, prefecture: string): Targets {
  const sizes = sqlite
    .prepare(`SELECT r.village_code AS code, count(*) AS n FROM recipients r JOIN regions v ON v.code = r.village_code WHERE r.status = 'active' AND v.kind = 'village' GROUP BY r.village_code ORDER BY n, r.village_code`)
    .all() as { code: string; n: number }[];
  const village = sizes[Math.floor(sizes.length / 2)]!;
  const largest = sizes[sizes.length - 1]!;
  const county = sqlite.prepare(`SELECT county_code AS code, count(*) AS n FROM recipients WHERE status = 'active' GROUP BY county_code ORDER BY n DESC, county_code LIMIT 1`).get() as { code: string; n: number };
  const deepPage = Math.floor((county.n * 0.8) / PAGE);
  const deepAfter = (sqlite.prepare(`SELECT id FROM recipients WHERE county_code = ? AND status = 'active' ORDER BY id LIMIT 1 OFFSET ?`).get(county.code, deepPage * PAGE - 1) as { id: number }).id;

  // A two-character word of village names (not a suffix such as 村委/社区) found in a few dozen names.
  const names = (sqlite.prepare(`SELECT name FROM regions WHERE level = 'village'`).all() as { name: string }[]).map((r) => r.name.replace(/(村民委员会|村委会|居委会|社区|村)$/u, ''));
  const counts = new Map<string, number>();
  for (const name of names) {
    const chars = Array.from(name);
    const seen = new Set<string>();
    for (let i = 0; i + 1 < chars.length; i++) seen.add(chars[i]! + chars[i + 1]!);
    for (const b of seen) if (/^\p{Script=Han}{2}$/u.test(b) && !/[村委会社区居民员组屯]/u.test(b)) counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const [q, villages] = [...counts.entries()].sort((a, b) => Math.abs(a[1] - 40) - Math.abs(b[1] - 40) || b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;

  const inbox = sqlite
    .prepare(`SELECT r.county_code AS region, count(*) AS n FROM reports r JOIN regions c ON c.code = r.county_code WHERE c.parent_code = ? AND r.status = 'closed' GROUP BY r.county_code ORDER BY n DESC LIMIT 1`)
    .get(prefecture) as { region: string; n: number };

  return {
    village: { code: village.code, active: village.n },
    largestVillage: { code: largest.code, active: largest.n },
    county: { code: county.code, active: county.n, deepAfter, deepPage: deepPage + 1 },
    villageQuery: { q, villages },
    caseQuery: '低保',
    inbox: { status: 'closed', region: inbox.region, matching: inbox.n },
  };
}
