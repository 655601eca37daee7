// Roles inside a unit (DESIGN.md §4; issue 4 "Accounts and sign-in"; issue 15 "Trust").
//
// Administration is split into three duties that no account combines (等保 2.0 level 3, 三权分立,
// GB/T 22239-2019 8.1.4.2): the system administrator keeps accounts, units and settings and sees no
// case content and no audit; the security administrator grants roles, clears lockouts and resets
// credentials (never its own); the audit administrator reads, verifies and exports the audit log and
// does nothing else. An account holding one of them holds no other role.
export const ADMIN_DUTIES = ['system_admin', 'security_admin', 'audit_admin'] as const;
export type AdminDuty = (typeof ADMIN_DUTIES)[number];

export const WORK_ROLES = ['intake', 'handler', 'lead', 'supervisor', 'inspector', 'custodian'] as const;
export type WorkRole = (typeof WORK_ROLES)[number];

export const ROLES = [...ADMIN_DUTIES, ...WORK_ROLES] as const;
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

export function isAdminDuty(value: unknown): value is AdminDuty {
  return typeof value === 'string' && (ADMIN_DUTIES as readonly string[]).includes(value);
}

/**
 * Why a set of roles may not be held by one account, or null: two duties, or a duty beside work
 * roles (a system or audit administrator who also handles cases would see what the duty excludes).
 */
export function roleCombinationProblem(roles: readonly Role[]): 'two_duties' | 'duty_and_work' | null {
  const duties = roles.filter(isAdminDuty);
  if (duties.length > 1) return 'two_duties';
  if (duties.length === 1 && roles.length > 1) return 'duty_and_work';
  return null;
}
