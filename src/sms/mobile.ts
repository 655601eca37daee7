// A mainland China mobile number (11 digits, 1 then 3-9): what the SMS channel can reach. Spaces,
// dashes and a +86 / 86 prefix that people type are dropped before the check.
export function normaliseMobile(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
}

export function isMainlandMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}
