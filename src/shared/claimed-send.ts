// One notice sent at least once, through a claim (the deadline sweep, late reporting reminders):
//
//   claim → send (awaited) → record (sent_at) → audit
//
// A claim that cannot be taken (sent already, or another run is sending) is skipped. A send that
// fails gives the claim back, so the next run tries again; nothing is recorded or audited for it.
// Recording and auditing run together in `atomically` (one transaction), so a sent notice is either
// recorded and audited or, after a crash between the send and the record, sent again later: a
// duplicate only then.

//
// Steps may be synchronous or async (issue 17). With a transaction, record and audit receive its
// handle: `sendClaimed<Tx>({ …, record: async (tx) => …, atomically: (work) => withTransaction(deps.db, work) })`.
// A synchronous `atomically` (better-sqlite3's db.transaction) still works while its steps are synchronous.

export interface ClaimedSend<T = void> {
  /** Takes the claim; false when it is not free. */
  claim(): boolean | Promise<boolean>;
  send(): Promise<void>;
  /** Records the send on the claim (sent_at); `tx` is the handle `atomically` passes. */
  record(tx: T): unknown;
  /** The audit entry of the send. */
  audit(tx: T): unknown;
  /** Gives the claim back after a failed send. */
  release(): unknown;
  /** Runs record and audit in one transaction, passing its handle; by default, one after the other. */
  atomically?: (work: (tx: T) => unknown) => unknown;
}

export type ClaimedSendOutcome = { outcome: 'sent' } | { outcome: 'skipped' } | { outcome: 'failed'; error: unknown };

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function';
}

export async function sendClaimed<T = void>(steps: ClaimedSend<T>): Promise<ClaimedSendOutcome> {
  if (!(await steps.claim())) return { outcome: 'skipped' };
  try {
    await steps.send();
  } catch (error) {
    await steps.release();
    return { outcome: 'failed', error };
  }
  // Synchronous steps give a synchronous work function (a better-sqlite3 transaction refuses a promise).
  const work = (tx: T): unknown => {
    const recorded = steps.record(tx);
    if (isPromise(recorded)) return recorded.then(() => steps.audit(tx));
    return steps.audit(tx);
  };
  const atomically = steps.atomically ?? ((w: (tx: T) => unknown) => w(undefined as T));
  await atomically(work);
  return { outcome: 'sent' };
}
