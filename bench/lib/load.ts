// Load runs with autocannon (programmatic API, in the bench process; the servers are other
// processes), and the small custom loops for form submissions.
import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  url: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  seconds: number;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  warmSeconds: number;
  headers?: Record<string, string>;
  /** Every request a different URL (an ignored `_b` parameter counts up), so no page cache can answer it. */
  bust?: boolean;
}

/** A warm-up run (discarded: JIT, caches), then the measured run. */
export async function measure(label: string, url: string, opts: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const bust = opts.bust ? { requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: `${req.path}${req.path.includes('?') ? '&' : '?'}_b=${++n}` }) }] } : {};
  const base = { url, connections: opts.connections, headers: opts.headers ?? {}, timeout: 30, ...bust };
  if (opts.warmSeconds > 0) await autocannon({ ...base, duration: opts.warmSeconds });
  const r = await autocannon({ ...base, duration: opts.seconds });
  return measured(label, url, r);
}

/** Runs `task` from `concurrency` workers until `seconds` have passed; returns each task's latency or error. */
export async function loop<T>(concurrency: number, seconds: number, task: (worker: number) => Promise<T>): Promise<{ results: T[]; errors: string[]; ms: number[]; wallSeconds: number }> {
  const results: T[] = [];
  const errors: string[] = [];
  const ms: number[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          results.push(await task(worker));
          ms.push(performance.now() - s);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    }),
  );
  return { results, errors, ms, wallSeconds: (performance.now() - t0) / 1000 };
}

export interface ListRequest {
  path: string;
  headers: Record<string, string>;
}

/**
 * A run over a fixed list of requests (the staff day, lib/staff-day.ts): each request the load
 * generator sends takes the next entry of the list (one counter shared by all connections, round
 * and round), so two runs send the same requests in the same order. Counts answers served from the
 * staff page cache (`X-Cache: hit`) and the non-2xx ones by path kind.
 */
export async function measureList(label: string, base: string, list: ListRequest[], opts: Omit<LoadOptions, 'headers' | 'bust'>): Promise<LoadResult & { cacheHits: number; sent: number }> {
  let n = 0;
  let hits = 0;
  const requests = [
    {
      setupRequest: (req: { path: string; headers?: Record<string, string> }) => {
        const next = list[n++ % list.length]!;
        return { ...req, path: next.path, headers: { ...(req.headers ?? {}), ...next.headers } };
      },
      onResponse: (_status: number, _body: string, _ctx: unknown, headers: Record<string, string>) => {
        for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'x-cache' && v === 'hit') hits++;
      },
    },
  ];
  const base0 = { url: base, connections: opts.connections, timeout: 30, requests };
  if (opts.warmSeconds > 0) await autocannon({ ...base0, duration: opts.warmSeconds });
  const warmSent = n;
  hits = 0;
  const r = await autocannon({ ...base0, duration: opts.seconds });
  return { ...measured(label, base, r), cacheHits: hits, sent: n - warmSent };
}

/** One autocannon run as the results table reports it. */
function measured(label: string, url: string, r: Awaited<ReturnType<typeof autocannon>>): LoadResult {
  return { label, url, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, errors: r.errors + r.timeouts, non2xx: r.non2xx, seconds: r.duration };
}
