// A list of listeners a feature tells about its own changes without knowing who listens, so a
// feature that depends on it (cross-checks on declarations and rosters) can react without an import
// going back the other way (issue 17: no two features import each other).
//
//   const changed = changeSignal<Ctx, number>();
//   export const onThingsChanged = changed.on;   // the dependant registers when it loads
//   export const thingsChanged = changed.emit;   // the owner awaits it inside its transaction:
//   await withTransaction(deps.db, async (tx) => { …; await thingsChanged({ db: tx, … }, ids, now); });
//
// Listeners run one after another in registration order, each awaited before the next, inside the
// caller's transaction (they get its tx in the context): a listener that throws rolls the change back.

/** A listener: may do its work synchronously or return a promise, which `emit` awaits. */
export type ChangeListener<Ctx, Item> = (ctx: Ctx, items: readonly Item[], now: number) => void | Promise<void>;

export interface ChangeSignal<Ctx, Item> {
  /** Registers a listener once (a second registration of the same function is ignored). */
  on(listener: ChangeListener<Ctx, Item>): void;
  /** Tells every listener in registration order, awaiting each before the next. */
  emit(ctx: Ctx, items: readonly Item[], now: number): Promise<void>;
}

export function changeSignal<Ctx, Item>(): ChangeSignal<Ctx, Item> {
  const listeners: ChangeListener<Ctx, Item>[] = [];
  return {
    on(listener) {
      if (!listeners.includes(listener)) listeners.push(listener);
    },
    async emit(ctx, items, now) {
      for (const listener of listeners) await listener(ctx, items, now);
    },
  };
}
