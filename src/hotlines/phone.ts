// Chinese complaint phone numbers as people write them: 0431-88888888, (0431)8888888, 0431 8888 8888,
// 13904310000, +86 139 0431 0000, 12345 (government service hotlines 123xx), full-width digits too.
// Stored normalised: `0431-88888888`, `0431-88888888转123`, `13904310000`, `12345`.

const LANDLINE = /^\(?(0\d{2,3})\)?-?([2-9]\d{6,7})(?:(?:-|转|ext\.?|#)(\d{1,6}))?$/i;
const MOBILE = /^(?:\+?86-?)?(1[3-9]\d{9})$/;
const SERVICE = /^(123\d{2})$/;

export function normalizePhone(raw: string): string | null {
  const s = raw.normalize('NFKC').trim().replace(/[\s\u00a0]+/g, '').replace(/[–—－]/g, '-');
  if (s.length === 0 || s.length > 30) return null;
  const mobile = MOBILE.exec(s);
  if (mobile) return mobile[1]!;
  const service = SERVICE.exec(s);
  if (service) return service[1]!;
  const m = LANDLINE.exec(s);
  if (!m) return null;
  const [, area, local, ext] = m as unknown as [string, string, string, string | undefined];
  // Three-digit area codes (010 Beijing, 02x) have eight-digit numbers; four-digit ones seven or eight.
  if (area.length === 3 ? !/^0(10|2\d)$/.test(area) || local.length !== 8 : !/^0[3-9]\d{2}$/.test(area)) return null;
  return `${area}-${local}${ext ? `转${ext}` : ''}`;
}
