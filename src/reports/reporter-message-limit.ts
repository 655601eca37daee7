// How many messages a reporter may leave on one report from the tracking page. Anyone holding one
// query code could otherwise post without end, and each message reaches the township's staff: a
// way to flood and harass the assignee (each message was an e-mail, an in-app notice and, for those
// who chose it, a paid text).
//
// Per report, not per address: the harm is to the report's staff whoever posts, and villagers share
// one carrier address. Counted from the messages on record (report_events) inside the transaction
// that writes the next one, not in the rate-limit counters (src/shared/counters.ts): those forget
// a count within the hour by design (their keys rotate hourly, never stored), so they cannot hold a
// day; write transactions run one at a time on both engines and on every node, so messages sent at
// once meet the limit one by one; and nothing about the sender is stored.
import type { Executor } from '../db/executor.js';
import { reporterMessageTimes } from './reporter-message-repository.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Beijing time (no daylight saving): "today" for a reporter in China. */
const CST_OFFSET_MS = 8 * HOUR_MS;

/**
 * In any 60 minutes. A genuine reporter sends one message, then perhaps a thing forgotten, a long
 * account split in two, a correction, a second tap on 发送: five covers that. A flood is held to a
 * few messages an hour.
 */
export const MESSAGES_PER_HOUR = 5;
/**
 * In one day of Beijing time (from midnight): two such sittings. More than anyone needs to tell the
 * staff in a day, and what a code can add to the staff's reading is bounded (3,000 characters a message).
 * The locale texts (track.message_limit.*) name both numbers: change them together.
 */
export const MESSAGES_PER_DAY = 10;

export interface MessageRefusal {
  /** Which limit was reached: the reporter is told to come back in an hour, or tomorrow. */
  limit: 'hour' | 'day';
  /** Until the next message would be taken. */
  retryAfterMs: number;
}

/** Midnight, Beijing time, of the day `now` falls in. */
function cstDayStart(now: number): number {
  return Math.floor((now + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

/**
 * Why the reporter may not leave another message on `reportId` now, or null when they may. Read in
 * `db`: the transaction that will write the message, so the count cannot change in between.
 */
export async function messageRefusal(db: Executor, reportId: number, now: number): Promise<MessageRefusal | null> {
  const dayStart = cstDayStart(now);
  const hourAgo = now - HOUR_MS;
  const times = await reporterMessageTimes(db, reportId, Math.min(dayStart, hourAgo + 1));
  const today = times.filter((at) => at >= dayStart);
  if (today.length >= MESSAGES_PER_DAY) return { limit: 'day', retryAfterMs: dayStart + DAY_MS - now };
  const lastHour = times.filter((at) => at > hourAgo);
  // The next message is taken once the oldest of the last hour's is an hour old.
  if (lastHour.length >= MESSAGES_PER_HOUR) return { limit: 'hour', retryAfterMs: Math.max(1000, lastHour[lastHour.length - MESSAGES_PER_HOUR]! + HOUR_MS - now) };
  return null;
}
