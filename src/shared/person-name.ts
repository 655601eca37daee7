// A person's name as a match key, for recusal by name (DESIGN.md §4): a reporter writes the name of
// the person the report is about as she likes — with a space (王 德福), a full-width space, or a
// remark in brackets after it (王德福（村主任）) — and an exact comparison with the declared name
// missed those, leaving the report visible to the person or relative it concerns. The key drops
// ordinary and full-width spaces and everything from the first bracket (half- or full-width). The
// SQL of the same key is personNameKeyOf (src/db/dialect.ts): the two must agree.
export function personNameKey(name: string | null | undefined): string {
  const folded = (name ?? '').replace(/[ \u3000]/g, '').replace(/（/g, '(');
  const bracket = folded.indexOf('(');
  return bracket >= 0 ? folded.slice(0, bracket) : folded;
}
