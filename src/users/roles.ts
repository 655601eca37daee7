// Roles inside a unit (DESIGN.md §4; issue 4 "Accounts and sign-in").
export const ROLES = ['administrator', 'intake', 'handler', 'lead', 'supervisor', 'inspector', 'custodian'] as const;
export type Role = (typeof ROLES)[number];

export function parseRoles(value: string): Role[] {
  return value
    .split(',')
    .map((r) => r.trim())
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
