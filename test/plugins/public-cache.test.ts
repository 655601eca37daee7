import { afterEach, describe, expect, it, vi } from 'vitest';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import publicCache from '../../src/plugins/public-cache.js';

/** The cache needs only the request's language and care mode from the preferences plugin. */
const fakePreferences = fp(
  async (app) => {
    app.decorateRequest('locale', 'zh-CN');
    app.decorateRequest('careMode', false);
  },
  { name: 'preferences' },
);

async function appWith(maxBytes: number, maxEntries?: number) {
  const app = Fastify();
  await app.register(fakePreferences);
  await app.register(publicCache, { maxBytes, maxEntries });
  let renders = 0;
  app.get<{ Querystring: { size?: string } }>('/page', { config: { publicCache: true } }, async (request, reply) => {
    renders++;
    return reply.type('text/html; charset=utf-8').send('页'.repeat(Number(request.query.size ?? 100)));
  });
  await app.ready();
  return { app, renders: () => renders };
}

afterEach(() => vi.useRealTimers());

describe('public page cache', () => {
  it('serves a repeated page from memory and renders a changed query anew', async () => {
    const { app, renders } = await appWith(1024 * 1024);
    expect((await app.inject('/page?size=10')).headers['x-cache']).toBe('miss');
    expect((await app.inject('/page?size=10')).headers['x-cache']).toBe('hit');
    await app.inject('/page?size=11');
    expect(renders()).toBe(2);
    app.publicCache.invalidate();
    expect((await app.inject('/page?size=10')).headers['x-cache']).toBe('miss');
    expect(renders()).toBe(3);
  });

  it('stays within its memory budget however many query strings are sent, dropping the least recently used', async () => {
    const budget = 64 * 1024;
    const { app } = await appWith(budget);
    await app.inject('/page?size=2000&keep=1');
    for (let i = 0; i < 200; i++) {
      await app.inject(`/page?size=2000&n=${i}`);
      if (i % 5 === 0) await app.inject('/page?size=2000&keep=1'); // recently used: survives
      expect(app.publicCache.bytes).toBeLessThanOrEqual(budget);
    }
    expect(app.publicCache.size).toBeGreaterThan(1);
    expect(app.publicCache.size).toBeLessThan(20);
    expect((await app.inject('/page?size=2000&keep=1')).headers['x-cache']).toBe('hit');
    expect((await app.inject('/page?size=2000&n=0')).headers['x-cache']).toBe('miss');
  });

  it('does not store a page larger than an eighth of the budget, and stores nothing with a zero budget', async () => {
    const { app } = await appWith(64 * 1024);
    await app.inject('/page?size=5000'); // ≈ 10 KB > 8 KB
    expect((await app.inject('/page?size=5000')).headers['x-cache']).toBe('miss');
    const off = await appWith(0);
    await off.app.inject('/page?size=1');
    expect((await off.app.inject('/page?size=1')).headers['x-cache']).toBe('miss');
    expect(off.app.publicCache.size).toBe(0);
  });

  it('drops its pages when the date in China changes (pages count from today)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T15:50:00Z')); // 23:50 in China
    const { app, renders } = await appWith(1024 * 1024);
    await app.inject('/page?size=1');
    expect((await app.inject('/page?size=1')).headers['x-cache']).toBe('hit');
    vi.setSystemTime(new Date('2026-11-29T16:10:00Z')); // 00:10 the next day in China
    expect((await app.inject('/page?size=1')).headers['x-cache']).toBe('miss');
    expect((await app.inject('/page?size=1')).headers['x-cache']).toBe('hit');
    expect(renders()).toBe(2);
  });

  it('keeps the entry count bound too', async () => {
    const { app } = await appWith(1024 * 1024, 3);
    for (let i = 0; i < 10; i++) await app.inject(`/page?size=1&n=${i}`);
    expect(app.publicCache.size).toBe(3);
  });
});

describe('public page cache on one of several nodes', () => {
  /**
   * A node that commits a change and dies before its NOTIFY leaves the others' pages stale: NOTIFY
   * is sent after the commit, by the node that made the change. So with other nodes around, a page
   * is kept at most maxAgeMs; a node alone (SQLite, no cluster signal) keeps it until a change.
   */
  async function nodeApp(signal: boolean) {
    const app = Fastify();
    await app.register(fakePreferences);
    if (signal) {
      app.decorate('clusterSignal', {
        nodeId: 'test',
        subscribe: async () => {},
        isListening: () => true,
        send: async () => {},
        close: async () => {},
      });
    }
    await app.register(publicCache, { maxBytes: 1024 * 1024, maxAgeMs: 60_000 });
    app.get('/page', { config: { publicCache: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send('页'));
    await app.ready();
    return app;
  }

  it('keeps a page no longer than its maximum age when a change on another node may go unheard', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T02:00:00Z')); // 10:00 in China: no date change within the test
    const app = await nodeApp(true);
    expect((await app.inject('/page')).headers['x-cache']).toBe('miss');
    vi.advanceTimersByTime(59_000);
    expect((await app.inject('/page')).headers['x-cache']).toBe('hit');
    vi.advanceTimersByTime(2_000);
    expect((await app.inject('/page')).headers['x-cache']).toBe('miss');
    expect((await app.inject('/page')).headers['x-cache']).toBe('hit');
  });

  it('keeps a page of a node alone until a change, whatever its age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T02:00:00Z')); // 10:00 in China: no date change within the test
    const app = await nodeApp(false);
    await app.inject('/page');
    vi.advanceTimersByTime(3_600_000);
    expect((await app.inject('/page')).headers['x-cache']).toBe('hit');
  });
});
