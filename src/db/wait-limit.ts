/**
 * How long a statement or transaction waits for the open transaction to end before it gives up,
 * like SQLite's own busy_timeout (SUNSHINE_TRANSACTION_WAIT_MS): the SQLite connection's mutex, and
 * on PostgreSQL the write lock, the row locks and a free client of the pool. Transactions here last
 * milliseconds, so a long wait almost always means the work of a transaction used `db` where its
 * `tx` belongs and is now waiting for itself; the error says so instead of hanging the request. (An
 * AsyncLocalStorage check caught that at once, but cost every statement about 10 % on the staff
 * pages; see bench/results-issue17.md.)
 */
let waitLimitMs = Number(process.env.SUNSHINE_TRANSACTION_WAIT_MS) || 15_000;

export function transactionWaitLimit(): number {
  return waitLimitMs;
}

/** For tests: a short limit, so a self-wait fails in milliseconds. Returns the previous limit. */
export function setTransactionWaitLimit(ms: number): number {
  const previous = waitLimitMs;
  waitLimitMs = ms;
  return previous;
}
