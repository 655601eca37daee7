// The nodes' signal on PostgreSQL (src/db/postgres/notifications.ts), without the app: a node hears
// the others but not itself, and a listening session that goes silent (a network cut that closes
// nothing) is found by the heartbeat, reported lost, replaced and reported resumed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/db/engine.js';
import { closePostgres, openPostgres, type PgDb } from '../../src/db/postgres/connection.js';
import { openClusterSignal, type ClusterSignal, type SignalEvent, type SignalLog } from '../../src/db/postgres/notifications.js';
import { createTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/** A TCP relay to the database whose open connections can be frozen: bytes dropped, nothing closed. */
async function freezableRelay(target: URL) {
  const open = new Set<net.Socket>();
  const frozen = new WeakSet<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(client).add(upstream);
    const relay = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (!frozen.has(from)) to.write(chunk);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    freezeOpenConnections: () => {
      for (const socket of open) frozen.add(socket);
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const quietLog: SignalLog = { info() {}, warn() {}, error() {} };

describe.skipIf(!onPostgres)('signals between nodes', () => {
  let url: string;
  let db: PgDb;
  beforeAll(async () => {
    url = await createTestDatabase();
    db = openPostgres(url, { max: 2 });
  });
  afterAll(async () => {
    await closePostgres(db);
    await dropTestDatabase(url);
  });

  it('reaches the other node and not the sender, and survives a silent cut of the listening session', async () => {
    const relay = await freezableRelay(new URL(url));
    const heard: Record<'a' | 'b', SignalEvent[]> = { a: [], b: [] };
    let a: ClusterSignal | undefined;
    let b: ClusterSignal | undefined;
    try {
      a = await openClusterSignal(db, url, quietLog);
      // B listens through the relay and asks its session every 100 ms.
      b = await openClusterSignal(db, relay.url, quietLog, { heartbeatMs: 100, heartbeatTimeoutMs: 300, minDelayMs: 50 });
      await a.subscribe('test_signal', (event) => heard.a.push(event));
      await b.subscribe('test_signal', (event) => heard.b.push(event));
      expect(b.isListening('test_signal')).toBe(true);
      expect(b.isListening('another_channel')).toBe(false);

      const probes: SignalEvent[] = [];
      await a.subscribe('test_probe', (event) => probes.push(event));

      await a.send('test_signal');
      expect(await eventually(() => heard.b.length === 1, 1_000)).toBe(true);
      expect(heard.b).toEqual(['changed']);
      // A session gets notifications in commit order: when B's probe reaches A, A's own signal,
      // sent before, has come back to A's listener, which ignored it.
      await b.send('test_probe');
      expect(await eventually(() => probes.length > 0, 1_000)).toBe(true);
      expect(heard.a).toEqual([]);

      relay.freezeOpenConnections();
      expect(await eventually(() => heard.b.includes('lost'), 3_000)).toBe(true);
      expect(await eventually(() => b!.isListening('test_signal'), 3_000)).toBe(true);
      expect(heard.b).toEqual(['changed', 'lost', 'resumed']);
      await a.send('test_signal');
      expect(await eventually(() => heard.b.length === 4, 1_000)).toBe(true);
      expect(heard.b[3]).toBe('changed');
    } finally {
      await b?.close();
      await a?.close();
      await relay.close();
    }
    // Closed: nothing more is heard, and a send is a no-op.
    await b!.send('test_signal');
    expect(b!.isListening('test_signal')).toBe(false);
  });
});
