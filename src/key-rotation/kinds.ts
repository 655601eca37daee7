// What `npm run keys:rotate` re-seals, one entry per kind of stored value. Each kind belongs to the
// feature that owns its table and is rotated only through that feature's index (DESIGN.md §6): a
// batch re-reads its rows in one transaction and skips what is already in the target profile, so
// the scan for values still in the old profile is the resume point after a crash.
import { evidenceRotationRemaining, removeReplacedFiles, rotateEvidenceBatch } from '../evidence/index.js';
import { partnerSecretsToReseal, resealPartnerSecrets } from '../exchange/index.js';
import { identitiesToReseal, resealIdentities } from '../reports/index.js';
import type { CryptoProfileName } from '../shared/crypto/index.js';
import type { Deps } from '../shared/deps.js';
import { resealTotpSecrets, totpSecretsToReseal } from '../users/index.js';

export type RotationDeps = Pick<Deps, 'db' | 'keys' | 'dirs'>;

export interface KindBatch {
  /** Values rotated by this batch. */
  done: number;
  /** Rows that could not be rotated (reported, left as they are, not retried in this run). */
  failed: { id: number; reason: string }[];
  /** The id to continue after; null when the scan has passed the last row. */
  next: number | null;
  /**
   * Clean-up to run one batch later (old evidence files): a reader that found the old value just
   * before the batch committed still has it for the time a batch takes.
   */
  afterwards?: () => Promise<void>;
}

export interface RotationKind {
  /** As the CLI prints it. */
  name: string;
  batch(deps: RotationDeps, to: CryptoProfileName, afterId: number, limit: number): Promise<KindBatch>;
  remaining(deps: RotationDeps, to: CryptoProfileName): Promise<number>;
}

const unreadable = (ids: number[]) => ids.map((id) => ({ id, reason: 'does not open (altered, or sealed under another master key)' }));

export const ROTATION_KINDS: readonly RotationKind[] = [
  {
    name: 'reporter identities',
    async batch(deps, to, afterId, limit) {
      const r = await resealIdentities(deps, to, afterId, limit);
      return { done: r.resealed, failed: unreadable(r.failed), next: r.next };
    },
    remaining: (deps, to) => identitiesToReseal(deps, to),
  },
  {
    name: 'staff TOTP secrets',
    async batch(deps, to, afterId, limit) {
      const r = await resealTotpSecrets(deps, to, afterId, limit);
      return { done: r.resealed, failed: unreadable(r.failed), next: r.next };
    },
    remaining: (deps, to) => totpSecretsToReseal(deps, to),
  },
  {
    // The secrets partner systems sign exchange requests with (and our webhooks to them are signed with).
    name: 'exchange partner secrets',
    async batch(deps, to, afterId, limit) {
      const r = await resealPartnerSecrets(deps, to, afterId, limit);
      return { done: r.resealed, failed: unreadable(r.failed), next: r.next };
    },
    remaining: (deps, to) => partnerSecretsToReseal(deps, to),
  },
  {
    // A file's name and note are re-sealed with it (their context is the stored name); this counts
    // the files re-encrypted plus the rows whose name or note alone was re-sealed.
    name: 'evidence files and their names',
    async batch(deps, to, afterId, limit) {
      const r = await rotateEvidenceBatch(deps, to, afterId, limit);
      return { done: r.files + r.names, failed: r.failed, next: r.next, afterwards: () => removeReplacedFiles(deps, r.replaced) };
    },
    async remaining(deps, to) {
      const r = await evidenceRotationRemaining(deps, to);
      // A row whose file is old has an old name too: count it once.
      return Math.max(r.files, r.names);
    },
  },
];
