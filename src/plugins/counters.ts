// The counters of the rate limits (src/shared/counters.ts): in Redis when REDIS_URL is set, so
// that the limits hold across app nodes, in this process otherwise. Routes make their limits from
// app.counters (src/shared/rate-limit.ts).
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { MemoryCounterStore, type CounterStore } from '../shared/counters.js';

declare module 'fastify' {
  interface FastifyInstance {
    counters: CounterStore;
  }
}

export default fp(
  async (app, opts: { config: Pick<Config, 'redisUrl'> }) => {
    // ioredis is loaded only when a Redis is configured: ≈ 20 MB resident that one node on SQLite never uses.
    const counters: CounterStore = opts.config.redisUrl
      ? await (await import('../shared/redis-counters.js')).connectRedisCounters(opts.config.redisUrl, { log: app.log, secret: app.keys['rate-limit'] })
      : new MemoryCounterStore();
    app.decorate('counters', counters);
    app.addHook('onClose', async () => counters.close());
  },
  { name: 'counters', dependencies: ['keys'] },
);
