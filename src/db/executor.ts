import type { Db } from './connection.js';

/**
 * What repositories take: the database or a transaction. better-sqlite3 transactions are
 * synchronous, so repository functions are synchronous too: an async transaction on the one shared
 * connection would let other requests' statements run inside it.
 */
export type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];
