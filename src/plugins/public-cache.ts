// Public pages are the same for every visitor (no session, no per-visitor token), so their HTML is
// cached in memory, keyed on URL, language and care mode (issue 6). Any change to public data calls
// invalidate(), so a change shows at once; and everything is dropped when the date in China changes,
// because pages count from "today" (ledger items fall overdue, statistics run to yesterday). Routes
// opt in with `config: { publicCache: true }`.
//
// Several app nodes on one PostgreSQL database (issue 21): invalidate() also tells the other nodes
// (app.clusterSignal, LISTEN/NOTIFY), which drop their pages when the notification arrives —
// milliseconds after the change, which every caller makes known only after its transaction has
// committed, so a node cannot re-cache the old data after hearing of the change. While a node's
// listener is down it could miss a change, so it neither serves nor keeps pages until it listens
// again, and then starts from empty. A node that dies between its commit and its NOTIFY leaves the
// others unaware of its last change, so with other nodes around a page is kept at most maxAgeMs.
import fp from 'fastify-plugin';
import { todayInChina } from '../clocks/index.js';
import { ByteBoundedLru, costOfString } from '../shared/byte-lru.js';

export interface PublicCache {
  /** Drops every page here and on the other nodes. Call it after the change has committed. */
  invalidate(): void;
  /** Pages held now. */
  readonly size: number;
  /** Their approximate memory, in bytes. */
  readonly bytes: number;
}

export interface PublicCacheOptions {
  maxEntries?: number;
  /** Memory budget: any query string makes a new key, so entries alone would not bound it (bench/findings.md). */
  maxBytes?: number;
  /** With several nodes, the longest a page is served after a change whose notice was lost. */
  maxAgeMs?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    publicCache?: boolean;
  }
  interface FastifyInstance {
    publicCache: PublicCache;
  }
  interface FastifyRequest {
    publicCacheKey?: string;
    /** The cache generation when the request started: a page rendered across an invalidation is not stored. */
    publicCacheGeneration?: number;
  }
}

const MAX_ENTRIES = 5000;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_AGE_MS = 30_000;
/** The NOTIFY channel of public data changes; the payload is the sending node's id. */
export const PUBLIC_CACHE_CHANNEL = 'sunshine_public_cache';

export default fp(
  async (app, opts: PublicCacheOptions) => {
    const entries = new ByteBoundedLru<{ body: string; type: string; generation: number; storedAt: number }>(opts.maxEntries ?? MAX_ENTRIES, opts.maxBytes ?? MAX_BYTES);
    let generation = 0;
    let day = todayInChina();
    const clear = () => {
      generation++;
      entries.clear();
    };
    // Registered after the db plugin in app.ts; absent in a bare app (the unit tests) and null on SQLite.
    const signal = app.hasDecorator('clusterSignal') ? app.clusterSignal : null;
    const maxAge = signal ? (opts.maxAgeMs ?? MAX_AGE_MS) : Infinity;
    // Another node's change, and also a lost or regained listener: pages kept meanwhile may be stale.
    if (signal) await signal.subscribe(PUBLIC_CACHE_CHANNEL, clear);
    app.decorate('publicCache', {
      invalidate() {
        clear();
        if (signal) void signal.send(PUBLIC_CACHE_CHANNEL);
      },
      get size() {
        return entries.size;
      },
      get bytes() {
        return entries.bytes;
      },
    });

    app.addHook('preHandler', async (request, reply) => {
      if (!request.routeOptions.config.publicCache || request.method !== 'GET') return;
      if (signal && !signal.isListening(PUBLIC_CACHE_CHANNEL)) return;
      const today = todayInChina();
      if (today !== day) {
        // Every node sees the date change for itself: nothing to tell the others.
        day = today;
        clear();
      }
      const key = `${request.locale}|${request.careMode ? 1 : 0}|${request.url}`;
      const hit = entries.get(key);
      if (hit && hit.generation === generation && Date.now() - hit.storedAt < maxAge) {
        reply.header('Content-Type', hit.type).header('X-Cache', 'hit').header('Vary', 'Cookie');
        return reply.send(hit.body);
      }
      request.publicCacheKey = key;
      request.publicCacheGeneration = generation;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.publicCacheKey;
      if (!key || request.publicCacheGeneration !== generation || reply.statusCode !== 200 || typeof payload !== 'string' || reply.getHeader('set-cookie')) return payload;
      reply.header('X-Cache', 'miss').header('Vary', 'Cookie');
      const held = entries.get(key);
      if (!held || held.generation !== generation || Date.now() - held.storedAt >= maxAge) {
        entries.set(key, { body: payload, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), generation, storedAt: Date.now() }, costOfString(payload, key));
      }
      return payload;
    });
  },
  { name: 'public-cache', dependencies: ['preferences'] },
);
