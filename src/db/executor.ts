import type { Db } from './connection.js';
import type { Tx } from './transaction.js';

/** better-sqlite3's synchronous transaction handle: accepted only while the last services move to withTransaction. */
type SyncTx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * What repositories take: the database, or the transaction handle of a withTransaction call
 * (src/db/transaction.ts). Repository functions are async and run their statements through
 * `query(db, …)`, so a statement outside a transaction never lands inside another request's open one.
 */
export type Executor = Db | Tx | SyncTx;
