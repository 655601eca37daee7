// The rosters tell who listens that villages' recipients changed; they do not know who that is. The
// cross-checks (which depend on disclosure, not the other way round) register here when they load
// and re-run for the villages, inside the caller's transaction so the flags change with the roster.
import type { Executor } from '../db/executor.js';
import type { Keys } from '../plugins/keys.js';

export interface RosterChangeContext {
  /** The transaction the roster was changed in. */
  db: Executor;
  keys: Pick<Keys, 'audit-mac'>;
}

export type RosterListener = (ctx: RosterChangeContext, villageCodes: readonly string[], now: number) => void;

const listeners: RosterListener[] = [];

/** Registers a listener once (a second registration of the same function is ignored). */
export function onRosterChanged(listener: RosterListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Called by this feature after villages' rosters changed, inside the transaction. */
export function rosterChanged(ctx: RosterChangeContext, villageCodes: readonly string[], now: number): void {
  for (const listener of listeners) listener(ctx, villageCodes, now);
}
