// Declarations tell who listens that a declaration changed; they do not know who that is. The
// cross-checks (which depend on declarations, not the other way round) register here when they load
// and re-run for the declarants, inside the caller's transaction so the flags change with the data.
import type { Executor } from '../db/executor.js';
import type { Keys } from '../plugins/keys.js';
import { changeSignal } from '../shared/change-signal.js';

export interface ChangeContext {
  /** The transaction the change was made in. */
  db: Executor;
  keys: Pick<Keys, 'audit-mac'>;
}

export type DeclarationListener = (ctx: ChangeContext, declarantIds: readonly number[], now: number) => void | Promise<void>;

const signal = changeSignal<ChangeContext, number>();

/** Registers a listener once. */
export const onDeclarationsChanged: (listener: DeclarationListener) => void = signal.on;

/** Awaited by this feature after declarants or their relatives changed, inside the transaction. */
export const declarationsChanged = signal.emit;
