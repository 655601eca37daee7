// Outbound status events. Each change of a filed work order's report status is queued as a numbered
// event by the reports status hook (onReportStatusChanged), inside the transition's own transaction:
// the event exists exactly when the change committed, once. Events go out as signed webhooks, in
// order per work order (a later one waits for the one before it), retried with exponential back-off;
// after MAX_ATTEMPTS a delivery is a dead letter, which holds the later ones back until staff retry
// it. A send is claimed first, so two sweeps never send the same event at once; the partner drops a
// repeat by X-Sunshine-Event-Id (at least once, in order).
import { findReport, onReportStatusChanged, type ReportStatusChange, type ReportStatusContext } from '../reports/index.js';
import type { Deps } from '../shared/deps.js';
import * as deliveries from './deliveries-repository.js';
import { partnerById, type Partner } from './partners.js';
import * as repo from './repository.js';
import type { StatusEventBody } from './schemas.js';
import { signWebhook } from './signature.js';

export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 3600_000;
/** How long a claimed send may take before another sweep may try it again. */
const CLAIM_MS = 2 * 60_000;
const SEND_TIMEOUT_MS = 10_000;

/** The wait after the n-th failed attempt: 30 s, 1 min, 2 min … at most an hour. */
export function retryDelay(attempts: number): number {
  return Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * The status hook's listener: one event per work order of the report, numbered after the ones
 * before it; queued for delivery when its partner takes webhooks (one without a URL reads the
 * status itself). Runs in the transition's transaction (`ctx.db`).
 */
export async function queueStatusEvents(ctx: ReportStatusContext, changes: readonly ReportStatusChange[], now: number): Promise<void> {
  for (const change of changes) {
    const orders = await repo.workOrdersOfReport(ctx.db, change.reportId);
    if (orders.length === 0) continue;
    const report = await findReport(ctx.db, change.reportId);
    if (!report) continue;
    for (const order of orders) {
      const seq = await repo.advanceStatus(ctx.db, order, change.status);
      if (seq === null) throw new Error(`work order ${order.id} changed during its report's transition`);
      const partner = await repo.findPartner(ctx.db, order.partnerId);
      if (!partner?.webhookUrl) continue;
      const body: StatusEventBody = {
        eventId: `${order.id}-${seq}`,
        seq,
        workOrderNo: order.workOrderNo,
        caseNo: report.caseNo,
        status: change.status as StatusEventBody['status'],
        previousStatus: change.previous as StatusEventBody['previousStatus'],
        at: new Date(now).toISOString(),
      };
      await deliveries.insertDelivery(ctx.db, { partnerId: order.partnerId, workOrderId: order.id, seq, payload: JSON.stringify(body), now });
    }
  }
}

onReportStatusChanged(queueStatusEvents);

export type Send = (url: string, headers: Record<string, string>, body: string) => Promise<{ ok: boolean; error: string }>;

/** POSTs with a time limit, following no redirect; any 2xx is a delivery. */
export const httpSend: Send = async (url, headers, body) => {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? { ok: true, error: '' } : { ok: false, error: `HTTP ${response.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (err as Error).name };
  }
};

export interface DeliveryResult {
  delivered: number;
  failed: number;
  dead: number;
}

/**
 * Sends the due events, round after round while some were delivered (the next event of a work order
 * becomes due once the one before it is delivered). A partner that fails once is not tried again in
 * the same sweep: its other events keep their turn for the next one.
 */
export async function deliverDue(deps: Deps, now = Date.now(), send: Send = httpSend): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: 0, failed: 0, dead: 0 };
  const down = new Set<number>();
  const partners = new Map<number, Partner | null>();
  for (let round = 0; round < 50; round++) {
    const due = (await deliveries.dueDeliveries(deps.db, now, 200)).filter((d) => !down.has(d.partnerId));
    if (due.length === 0) break;
    let deliveredThisRound = 0;
    for (const delivery of due) {
      if (down.has(delivery.partnerId)) continue;
      if (!partners.has(delivery.partnerId)) partners.set(delivery.partnerId, await partnerById(deps.db, deps.keys, delivery.partnerId));
      const partner = partners.get(delivery.partnerId);
      // Disabled since the due list was read: its events wait, no attempt is counted.
      if (partner?.disabled) {
        down.add(delivery.partnerId);
        continue;
      }
      if (!(await deliveries.claimDelivery(deps.db, delivery, now + CLAIM_MS))) continue;
      const attempts = delivery.attempts + 1;
      const outcome = partner?.webhookUrl ? await send(partner.webhookUrl, signWebhook(partner.secret, delivery.payload, eventIdOf(delivery.payload)), delivery.payload) : { ok: false, error: 'no webhook' };
      if (outcome.ok) {
        await deliveries.markDelivered(deps.db, delivery.id, attempts, now);
        result.delivered++;
        deliveredThisRound++;
        continue;
      }
      down.add(delivery.partnerId);
      const dead = attempts >= MAX_ATTEMPTS;
      await deliveries.markFailed(deps.db, delivery.id, { attempts, nextAttemptAt: now + retryDelay(attempts), error: outcome.error, deadAt: dead ? now : null });
      if (dead) result.dead++;
      else result.failed++;
    }
    if (deliveredThisRound === 0) break;
  }
  return result;
}

function eventIdOf(payload: string): string {
  return (JSON.parse(payload) as StatusEventBody).eventId;
}

/** One sweep: old nonces forgotten, due events sent (the events themselves were queued by the status hook). */
export async function runExchangeSweep(deps: Deps, now = Date.now(), send: Send = httpSend) {
  const noncesForgotten = await repo.forgetNonces(deps.db, now);
  await repo.forgetLapsedUploads(deps.db, now);
  const sent = await deliverDue(deps, now, send);
  return { noncesForgotten, ...sent };
}
