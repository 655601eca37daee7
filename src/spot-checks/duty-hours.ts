// A hotline's listed duty hours (值守时间) and whether a test call fell within them (issue 19 item 14).
// Hotlines keep their hours as free text; this reads the common forms — "工作日 8:30-11:30，13:00-17:00",
// "周一至周五 上午8:30-11:30 下午1:30-5:00", "8:30-17:30", "24小时", "每天 0:00-24:00" — and gives
// up (null: unknown) on anything else rather than guess. Times are China time, as entered.
// Pure: the working-day calendar is passed in (工作日 follows the holiday arrangement, 调休 too).

/** Days a window applies on: 'workdays' (the calendar's 工作日), or weekdays 0 (Sunday) … 6. */
export type DutyDays = 'workdays' | 'every' | number[];

export interface DutyWindow {
  days: DutyDays;
  /** Minutes after midnight; `to` may be 1440 (24:00). A window with from > to runs past midnight. */
  from: number;
  to: number;
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0, 七: 0 };

/** Words that say nothing about when ("值守", "人工服务", …), skipped. */
const FILLER = /^(?:工作时间|办公时间|值守时间|值班时间|服务时间|接听时间|受理时间|值守|值班|人工|服务|接听|受理|办公|时间|时段|热线|开通|畅通|均可|拨打|为|是)/;

function normalise(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[：∶]/g, ':')
    .replace(/(\d)[.．](\d{2})/g, '$1:$2')
    .replace(/[–—－―~～〜﹣]|至|到/g, '-')
    .replace(/[，、；;。.（）()[\]【】/和及]/g, ',')
    .replace(/\s+/g, ',');
}

/** "8:30", "8点30", "8点半", "8点", "8时" → minutes, or null. */
const TIME = String.raw`(\d{1,2})(?::(\d{2})|点半|[点时](?:(\d{1,2})分?)?)?`;
const INTERVAL = new RegExp(`^${TIME}-${TIME}`);

function minutes(h: string, m: string | undefined, m2: string | undefined, half: boolean): number | null {
  const hour = Number(h);
  const minute = half ? 30 : Number(m ?? m2 ?? '0');
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) return null;
  return hour * 60 + minute;
}

/**
 * The duty windows of a listed entry, or null when it is not in a form this reads (then whether a
 * call was within duty hours is unknown). A day word (工作日, 周一至周五, 每天 …) applies to the
 * times after it; an entry of several parts must name the days of each.
 */
export function parseDutyHours(text: string): DutyWindow[] | null {
  let s = normalise(text.trim());
  const clauses: { days: DutyDays | null; windows: { from: number; to: number }[] }[] = [{ days: null, windows: [] }];
  let shift = 0; // 12 hours after 下午/晚上 for hours written 1–11
  const current = () => clauses[clauses.length - 1]!;
  const setDays = (days: DutyDays) => {
    const c = current();
    if (c.windows.length > 0) clauses.push({ days, windows: [] });
    else if (c.days === null) c.days = days;
    else if (Array.isArray(c.days) && Array.isArray(days)) c.days = [...new Set([...c.days, ...days])];
    else return false;
    shift = 0;
    return true;
  };
  while (s.length > 0) {
    let m: RegExpExecArray | null;
    if (s[0] === ',') s = s.slice(1);
    else if ((m = /^(?:7\s*[x×*]\s*)?24小时|^全天候|^全天24小时/.exec(s))) {
      current().windows.push({ from: 0, to: 1440 });
      s = s.slice(m[0].length);
    } else if ((m = /^(?:法定)?节假日除外|^节假日休息/.exec(s))) {
      // Only says what 工作日 already says.
      if (current().days !== 'workdays' && !clauses.some((c) => c.days === 'workdays')) return null;
      s = s.slice(m[0].length);
    } else if ((m = /^工作日|^法定工作日/.exec(s))) {
      if (!setDays('workdays')) return null;
      s = s.slice(m[0].length);
    } else if ((m = /^每天|^每日|^全天|^全年无休|^节假日无休|^全年/.exec(s))) {
      if (!setDays('every')) return null;
      s = s.slice(m[0].length);
    } else if ((m = /^(?:周|星期)([一二三四五六日天七])(?:-(?:周|星期)?([一二三四五六日天七]))?/.exec(s))) {
      const a = WEEKDAY[m[1]!]!;
      const b = m[2] ? WEEKDAY[m[2]]! : a;
      const days: number[] = [];
      // Monday-based walk, so 周一至周日 takes all seven and 周六至周日 takes the weekend.
      const idx = (d: number) => (d + 6) % 7;
      if (idx(b) < idx(a)) return null;
      for (let i = idx(a); i <= idx(b); i++) days.push((i + 1) % 7);
      if (!setDays(days)) return null;
      s = s.slice(m[0].length);
    } else if ((m = /^周末|^双休日/.exec(s))) {
      if (!setDays([6, 0])) return null;
      s = s.slice(m[0].length);
    } else if ((m = /^上午|^早上|^中午/.exec(s))) {
      shift = 0;
      s = s.slice(m[0].length);
    } else if ((m = /^下午|^晚上|^夜间/.exec(s))) {
      shift = 12 * 60;
      s = s.slice(m[0].length);
    } else if ((m = INTERVAL.exec(s))) {
      let from = minutes(m[1]!, m[2], m[3], m[0].split('-')[0]!.endsWith('半'));
      let to = minutes(m[4]!, m[5], m[6], m[0].endsWith('半'));
      if (from === null || to === null || from === 1440) return null;
      if (shift > 0 && from < 12 * 60) from += shift;
      if (shift > 0 && to < 12 * 60) to += shift;
      if (from === to || to > 1440) return null;
      current().windows.push({ from, to });
      s = s.slice(m[0].length);
    } else if ((m = FILLER.exec(s))) {
      s = s.slice(m[0].length);
    } else return null;
  }
  const used = clauses.filter((c) => c.windows.length > 0 || c.days !== null);
  if (used.length === 0 || used.some((c) => c.windows.length === 0)) return null;
  // Several parts and one without its days: which days it means is a guess.
  if (used.length > 1 && used.some((c) => c.days === null)) return null;
  return used.flatMap((c) => c.windows.map((w) => ({ days: c.days ?? 'every', ...w })));
}

/** Weekday 0 (Sunday) … 6 of a YYYY-MM-DD date. */
function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function dayMatches(days: DutyDays, date: string, isWorkday: (date: string) => boolean): boolean {
  if (days === 'every') return true;
  if (days === 'workdays') return isWorkday(date);
  return days.includes(weekdayOf(date));
}

/** Whether a call at `calledAt` ('YYYY-MM-DDTHH:MM', China time) fell within the windows (from ≤ t < to). */
export function withinDutyHours(windows: readonly DutyWindow[], calledAt: string, isWorkday: (date: string) => boolean): boolean {
  const date = calledAt.slice(0, 10);
  const t = Number(calledAt.slice(11, 13)) * 60 + Number(calledAt.slice(14, 16));
  return windows.some((w) => {
    if (w.from < w.to) return dayMatches(w.days, date, isWorkday) && t >= w.from && t < w.to;
    // Past midnight: the evening of the day itself, or the early hours after the day before.
    return (dayMatches(w.days, date, isWorkday) && t >= w.from) || (dayMatches(w.days, previousDay(date), isWorkday) && t < w.to);
  });
}

/**
 * A test call's result: `answered`; `unanswered` (within duty hours — a failure); `off_duty` (not
 * answered outside the listed duty hours — not a failure); `hours_unknown` (not answered, and the
 * listed hours were not recorded with the check or are in a form this does not read — not judged).
 */
export type CallResult = 'answered' | 'unanswered' | 'off_duty' | 'hours_unknown';

export function judgeCall(calledAt: string, answered: boolean, dutyHours: string | null, isWorkday: (date: string) => boolean): CallResult {
  if (answered) return 'answered';
  const windows = dutyHours === null ? null : parseDutyHours(dutyHours);
  if (windows === null) return 'hours_unknown';
  return withinDutyHours(windows, calledAt, isWorkday) ? 'unanswered' : 'off_duty';
}
