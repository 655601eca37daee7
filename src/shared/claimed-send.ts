// One notice sent at least once, through a claim (the deadline sweep, late reporting reminders):
//
//   claim → send (awaited) → record (sent_at) → audit
//
// A claim that cannot be taken (sent already, or another run is sending) is skipped. A send that
// fails gives the claim back, so the next run tries again; nothing is recorded or audited for it.
// Recording and auditing run together in `atomically` (one transaction), so a sent notice is either
// recorded and audited or, after a crash between the send and the record, sent again later: a
// duplicate only then.

export interface ClaimedSend {
  /** Takes the claim; false when it is not free. */
  claim(): boolean;
  send(): Promise<void>;
  /** Records the send on the claim (sent_at). */
  record(): void;
  /** The audit entry of the send. */
  audit(): void;
  /** Gives the claim back after a failed send. */
  release(): void;
  /** Runs record and audit in one transaction; by default, one after the other. */
  atomically?: (work: () => void) => void;
}

export type ClaimedSendOutcome = { outcome: 'sent' } | { outcome: 'skipped' } | { outcome: 'failed'; error: unknown };

export async function sendClaimed(steps: ClaimedSend): Promise<ClaimedSendOutcome> {
  if (!steps.claim()) return { outcome: 'skipped' };
  try {
    await steps.send();
  } catch (error) {
    steps.release();
    return { outcome: 'failed', error };
  }
  const atomically = steps.atomically ?? ((work: () => void) => work());
  atomically(() => {
    steps.record();
    steps.audit();
  });
  return { outcome: 'sent' };
}
