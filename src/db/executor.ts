import type { Db } from './connection.js';
import type { Tx } from './transaction.js';

/**
 * What repositories take: the database, or the transaction handle of a withTransaction call
 * (src/db/transaction.ts). Repository functions are async and run their statements through
 * `query(db, …)`, so a statement outside a transaction never lands inside another request's open one.
 */
export type Executor = Db | Tx;
