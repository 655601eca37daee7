// A mainland China mobile number (11 digits, 1 then 3-9): what the SMS channel can reach. What people
// type around it is dropped before the check: full-width digits and the dashes of a Chinese keyboard
// (foldPhone), spaces, dashes, brackets, and a +86, 0086 or 86 prefix —
// the same prefixes the report form's phone check takes (reports/validate.ts), so a contact phone it
// accepts as a mobile is a number the texts can go to.
export function normaliseMobile(raw: string): string {
  return foldPhone(raw).replace(/[\s()-]/g, '').replace(/^(\+?86|0086)(?=1\d{10}$)/, '');
}

/**
 * A phone number as a Chinese keyboard types it, in ASCII: full-width digits, plus, brackets and
 * spaces (NFKC), the dashes an input method gives for "-" (－ — –) as "-", white space as one space.
 * The report form stores a contact phone so (staff dial it), and the texts read it the same way.
 */
export function foldPhone(raw: string): string {
  return raw.normalize('NFKC').replace(/[‐‑‒–—―]/g, '-').replace(/\s+/g, ' ').trim();
}

export function isMainlandMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}
