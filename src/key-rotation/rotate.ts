// Key rotation (issue 23 part B): everything sealed under one crypto profile re-sealed under the
// other, kind after kind, in small batches, each batch one transaction of the owning feature. Run
// beside a live portal (`npm run keys:rotate`): batches are small and a pause between them lets the
// portal's own transactions through. No progress is kept: a rerun scans for what is still old.
import type { CryptoProfileName } from '../shared/crypto/index.js';
import { ROTATION_KINDS, type RotationDeps, type RotationKind } from './kinds.js';

export interface KindProgress {
  kind: string;
  done: number;
  /** Still to do as far as this run knows (counted at its start, less what it has done since). */
  remaining: number;
  failed: { id: number; reason: string }[];
}

export interface RotationOptions {
  to: CryptoProfileName;
  /** Rows per batch (one transaction each). */
  batch?: number;
  /** Milliseconds to wait between batches, to leave the database to the portal. */
  pauseMs?: number;
  /** Called after every batch and once when a kind is finished. */
  onProgress?: (progress: KindProgress, finished: boolean) => void;
  /** Stops after the batch in progress (a clean interruption; a kill is fine too). */
  signal?: AbortSignal;
  /** The kinds to rotate (all by default); for tests. */
  kinds?: readonly RotationKind[];
}

export const DEFAULT_BATCH = 200;

/** What is still to rotate into `to`, per kind. */
export async function rotationRemaining(deps: RotationDeps, to: CryptoProfileName, kinds: readonly RotationKind[] = ROTATION_KINDS): Promise<{ kind: string; remaining: number }[]> {
  const out: { kind: string; remaining: number }[] = [];
  for (const kind of kinds) out.push({ kind: kind.name, remaining: await kind.remaining(deps, to) });
  return out;
}

/** Rotates every kind into `options.to`; returns the progress of each kind. */
export async function rotateKeys(deps: RotationDeps, options: RotationOptions): Promise<KindProgress[]> {
  const limit = options.batch ?? DEFAULT_BATCH;
  if (!Number.isInteger(limit) || limit < 1) throw new Error('batch must be a positive whole number');
  const results: KindProgress[] = [];
  for (const kind of options.kinds ?? ROTATION_KINDS) {
    if (options.signal?.aborted) break;
    const progress: KindProgress = { kind: kind.name, done: 0, remaining: await kind.remaining(deps, options.to), failed: [] };
    results.push(progress);
    // The previous batch's clean-up runs after the next batch (and at the end, even when stopped).
    let pending: (() => Promise<void>) | undefined;
    try {
      for (let after: number | null = 0; after !== null && !options.signal?.aborted; ) {
        const batch = await kind.batch(deps, options.to, after, limit);
        await pending?.();
        pending = batch.afterwards;
        progress.done += batch.done;
        progress.failed.push(...batch.failed);
        progress.remaining = Math.max(0, progress.remaining - batch.done);
        after = batch.next;
        if (after !== null) {
          options.onProgress?.(progress, false);
          if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
        }
      }
    } finally {
      await pending?.();
    }
    if (!options.signal?.aborted) {
      // Counted again at the end: values written under the old profile meanwhile show here.
      progress.remaining = await kind.remaining(deps, options.to);
      options.onProgress?.(progress, true);
    }
  }
  return results;
}
