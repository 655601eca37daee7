// A list of listeners a feature tells about its own changes without knowing who listens, so a
// feature that depends on it (cross-checks on declarations and rosters) can react without an import
// going back the other way (issue 17: no two features import each other).
//
//   const changed = changeSignal<Ctx, number>();
//   export const onThingsChanged = changed.on;   // the dependant registers when it loads
//   export const thingsChanged = changed.emit;   // the owner calls it inside its transaction

export interface ChangeSignal<Ctx, Item> {
  /** Registers a listener once (a second registration of the same function is ignored). */
  on(listener: (ctx: Ctx, items: readonly Item[], now: number) => void): void;
  /** Tells every listener, synchronously, in registration order. */
  emit(ctx: Ctx, items: readonly Item[], now: number): void;
}

export function changeSignal<Ctx, Item>(): ChangeSignal<Ctx, Item> {
  const listeners: ((ctx: Ctx, items: readonly Item[], now: number) => void)[] = [];
  return {
    on(listener) {
      if (!listeners.includes(listener)) listeners.push(listener);
    },
    emit(ctx, items, now) {
      for (const listener of listeners) listener(ctx, items, now);
    },
  };
}
