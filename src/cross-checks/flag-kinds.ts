// The kinds of cross-check flag (src/cross-checks/run.ts explains each).
export const FLAG_KINDS = ['declared', 'declarant_receives', 'possible_relative'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export function isFlagKind(v: unknown): v is FlagKind {
  return typeof v === 'string' && (FLAG_KINDS as readonly string[]).includes(v);
}
