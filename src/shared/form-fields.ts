/** A single text field of a urlencoded body, cut to `max` characters (a repeated field arrives as an array and is dropped). */
export function textField(body: Record<string, unknown>, name: string, max = 200): string {
  const v = body[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}
