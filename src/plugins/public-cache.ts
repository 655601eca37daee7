// Public pages are the same for every visitor (no session, no per-visitor token), so their HTML is
// cached in memory, keyed on URL, language and care mode (issue 6). Any change to public data calls
// invalidate(), so a change shows at once. Routes opt in with `config: { publicCache: true }`.
import fp from 'fastify-plugin';

export interface PublicCache {
  invalidate(): void;
  readonly size: number;
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

export default fp(
  async (app) => {
    const entries = new Map<string, { body: string; type: string; generation: number }>();
    let generation = 0;
    app.decorate('publicCache', {
      invalidate() {
        generation++;
        entries.clear();
      },
      get size() {
        return entries.size;
      },
    });

    app.addHook('preHandler', async (request, reply) => {
      if (!request.routeOptions.config.publicCache || request.method !== 'GET') return;
      const key = `${request.locale}|${request.careMode ? 1 : 0}|${request.url}`;
      const hit = entries.get(key);
      if (hit && hit.generation === generation) {
        // Refresh its place so the map evicts the least recently used first.
        entries.delete(key);
        entries.set(key, hit);
        reply.header('Content-Type', hit.type).header('X-Cache', 'hit').header('Vary', 'Cookie');
        return reply.send(hit.body);
      }
      request.publicCacheKey = key;
      request.publicCacheGeneration = generation;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.publicCacheKey;
      if (!key || request.publicCacheGeneration !== generation || reply.statusCode !== 200 || typeof payload !== 'string' || reply.getHeader('set-cookie')) return payload;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { body: payload, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), generation });
      reply.header('X-Cache', 'miss').header('Vary', 'Cookie');
      return payload;
    });
  },
  { name: 'public-cache', dependencies: ['preferences'] },
);
