// The rosters tell who listens that villages' recipients changed; they do not know who that is. The
// cross-checks (which depend on disclosure, not the other way round) register here when they load
// and re-run for the villages, inside the caller's transaction so the flags change with the roster.
import type { Executor } from '../db/executor.js';
import type { Keys } from '../plugins/keys.js';
import { changeSignal } from '../shared/change-signal.js';

export interface RosterChangeContext {
  /** The transaction the roster was changed in. */
  db: Executor;
  keys: Pick<Keys, 'audit-mac'>;
}

export type RosterListener = (ctx: RosterChangeContext, villageCodes: readonly string[], now: number) => void | Promise<void>;

const signal = changeSignal<RosterChangeContext, string>();

/** Registers a listener once. */
export const onRosterChanged: (listener: RosterListener) => void = signal.on;

/** Awaited by this feature after villages' rosters changed, inside the transaction. */
export const rosterChanged = signal.emit;
