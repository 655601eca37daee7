// Quarters of the 通报 (按季度进行公开通报): written `2026Q3`, counted in China Standard Time.

const QUARTER = /^(20\d{2})Q([1-4])$/;

export function isQuarter(value: unknown): value is string {
  return typeof value === 'string' && QUARTER.test(value);
}

/** The quarter a moment falls in, in China Standard Time (UTC+8, no daylight saving). */
export function quarterOf(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

export function currentQuarter(now = Date.now()): string {
  return quarterOf(now);
}

/** The quarter and the three before it, newest first: the choices on the draft form. */
export function recentQuarters(now = Date.now(), count = 6): string[] {
  const [year, q] = parts(quarterOf(now));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = year * 4 + (q - 1) - i;
    out.push(`${Math.floor(index / 4)}Q${(index % 4) + 1}`);
  }
  return out;
}

function parts(quarter: string): [number, number] {
  const m = QUARTER.exec(quarter);
  if (!m) throw new RangeError(`not a quarter: ${quarter}`);
  return [Number(m[1]), Number(m[2])];
}

/** 2026Q3 → 2026年第三季度 (the case text is Chinese whatever the UI language). */
export function quarterLabelZh(quarter: string): string {
  const [year, q] = parts(quarter);
  return `${year}年第${'一二三四'[q - 1]}季度`;
}
