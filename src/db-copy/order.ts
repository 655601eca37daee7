// The order of the copy: every table after the tables its foreign keys refer to, so that each row
// finds what it refers to already there (a table that refers to itself is copied in rowid order,
// parents first as they were inserted). Ties by name, so two copies take the same order.
import { CopyError } from './errors.js';

export function dependencyOrder(tables: readonly string[], keys: readonly { from: string; to: string }[]): string[] {
  const needs = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { from, to } of keys) if (from !== to && needs.has(from) && needs.has(to)) needs.get(from)!.add(to);
  const done: string[] = [];
  const placed = new Set<string>();
  while (done.length < tables.length) {
    const ready = [...needs].filter(([t, deps]) => !placed.has(t) && [...deps].every((d) => placed.has(d))).map(([t]) => t).sort();
    if (ready.length === 0) throw new CopyError(1, `the foreign keys of ${[...needs.keys()].filter((t) => !placed.has(t)).join(', ')} form a cycle; no order copies them`);
    for (const t of ready) {
      placed.add(t);
      done.push(t);
    }
  }
  return done;
}
