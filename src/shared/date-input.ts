// Reading a date a person typed (issue 19 item 15). A browser with a date picker posts YYYY-MM-DD
// whatever it displays; one without (an old 360 or QQ browser, a screen reader's plain text box)
// posts what the clerk typed, and a county clerk writes 2026/12/7, 2026年12月7日 or 2026.12.7 as
// often as 2026-12-07. Every route that reads a plain date field goes through here, so the same
// forms are understood everywhere. Year first only: 12/07/2026 is refused, since month-first and
// day-first cannot be told apart and a wrong guess would move a deadline silently.

/** Year, month, day with one separator used throughout: "-", "/" or "."; or 年 月 日 (Korean 년 월 일). */
const SEPARATED = /^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})$/;
const CJK = /^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日号號일]?$/;

/**
 * The date as YYYY-MM-DD, or null when `raw` is empty, not one of the accepted forms, or no real
 * calendar day (2026-02-30). Full-width digits and separators (２０２６／１２／７) are read as
 * their ASCII forms, as a Chinese input method may type them.
 */
export function parseDateInput(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.normalize('NFKC').trim();
  if (text === '' || text.length > 40) return null;
  let parts: [string, string, string] | null = null;
  const separated = SEPARATED.exec(text);
  if (separated) parts = [separated[1]!, separated[3]!, separated[4]!];
  const cjk = parts ? null : CJK.exec(text);
  if (cjk) parts = [cjk[1]!, cjk[2]!, cjk[3]!];
  if (!parts) return null;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const iso = `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * What a form keeps of a typed date: the YYYY-MM-DD form when it is one, else the text as typed
 * (trimmed), so a refused form shows the clerk's own input back rather than an empty box.
 */
export function dateFieldValue(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return parseDateInput(raw) ?? raw.trim();
}
