// Small-count suppression at township level (issue 6: "Counts below 5 at township level are shown
// as '<5' so that nobody can be re-identified").
//
// - A count below 5 (0 included: a shown 0 next to a '<5' narrows it down) is shown as '<5'.
// - Complementary suppression: the county total is published, so when a column hides exactly one
//   township, that one would follow by subtraction; the smallest other count is hidden too ('*').
// - A rate gives its counts away (1 of 4 is 25%): at township level a rate is shown only when its
//   numerator and the rest of its denominator are both 5 or more; otherwise '*', whatever the
//   reason (a '—' for "nothing concluded" would reveal a zero).
export const THRESHOLD = 5;

export type Hidden = 'small' | 'secondary' | null;

/** For one column of township counts: which cells to hide. */
export function suppressColumn(values: number[]): Hidden[] {
  const hidden: Hidden[] = values.map((v) => (v < THRESHOLD ? 'small' : null));
  const small = hidden.filter((h) => h === 'small').length;
  if (small === 1 && values.length > 1) {
    let pick = -1;
    values.forEach((v, i) => {
      if (hidden[i] === null && (pick < 0 || v < values[pick]!)) pick = i;
    });
    if (pick >= 0) hidden[pick] = 'secondary';
  }
  return hidden;
}

export function rateShown(numerator: number, denominator: number, suppress: boolean): boolean {
  if (denominator <= 0) return false;
  return !suppress || (numerator >= THRESHOLD && denominator - numerator >= THRESHOLD);
}

export const SMALL_TEXT = '<5';
export const HIDDEN_TEXT = '*';
