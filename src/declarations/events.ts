// Declarations tell who listens that a declaration changed; they do not know who that is. The
// cross-checks (which depend on declarations, not the other way round) register here when they load
// and re-run for the declarants, inside the caller's transaction so the flags change with the data.
import type { Executor } from '../db/executor.js';
import type { Keys } from '../plugins/keys.js';

export interface ChangeContext {
  /** The transaction the change was made in. */
  db: Executor;
  keys: Pick<Keys, 'audit-mac'>;
}

export type DeclarationListener = (ctx: ChangeContext, declarantIds: readonly number[], now: number) => void;

const listeners: DeclarationListener[] = [];

/** Registers a listener once (a second registration of the same function is ignored). */
export function onDeclarationsChanged(listener: DeclarationListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Called by this feature after declarants or their relatives changed, inside the transaction. */
export function declarationsChanged(ctx: ChangeContext, declarantIds: readonly number[], now: number): void {
  for (const listener of listeners) listener(ctx, declarantIds, now);
}
