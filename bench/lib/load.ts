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
  return {
    label,
    url,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    seconds: r.duration,
  };
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
