// Test ID numbers, made with the GB 11643-1999 algorithm written out here on its own (not by
// importing the code under test), so a mistake in the module cannot hide in both.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function withCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return first17 + CHECK.charAt(sum % 11);
}

/** A valid number for region 220103 (长春市宽城区), a birth date and a 3-digit sequence. */
export function makeId(birth: string, seq: number, region = '220103'): string {
  return withCheckChar(`${region}${birth}${String(seq).padStart(3, '0')}`);
}

/** The same number with a wrong check character. */
export function breakCheck(id: string): string {
  const right = id.charAt(17);
  return id.slice(0, 17) + (right === '0' ? '1' : '0');
}
