// Whole numbers as the reader's language writes them (1,000 in zh-CN, ko and en). One formatter per
// locale, kept: constructing an Intl.NumberFormat loads ICU data each time (≈ 50–250 µs), and the
// staff inbox formats its total on every view (issue 22).
const formatters = new Map<string, Intl.NumberFormat>();

export function localNumber(locale: string, n: number): string {
  let f = formatters.get(locale);
  if (!f) formatters.set(locale, (f = new Intl.NumberFormat(locale)));
  return f.format(n);
}
