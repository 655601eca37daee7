// Staff accounts as src/users/service.ts createUser() writes them (plus enrolled TOTP, as
// test/helpers/staff.ts does): scrypt password hash, roles, TOTP secret sealed under the identity
// key with context `totp:<id>`, and a `user.create` audit entry each. hashPassword() costs ~100 ms
// by design, so one hash is computed and shared by every generated account.
import { generateSecret } from 'otplib';
import { seal } from '../../src/shared/crypto.js';
import type { Role } from '../../src/users/roles.js';
import { DAY, int, personName } from './common.js';
import { inTransaction, type World } from './world.js';

export interface StaffDirectory {
  /** User ids by unit id and role. */
  byUnit: Map<number, Partial<Record<Role, number[]>>>;
  total: number;
  /** The account the bench signs in with (a supervisor of 长春市民政局). */
  benchUser: { id: number; username: string; unitRegion: string; totpSecret: string };
}

const COUNTY_ROLES: Role[] = ['intake', 'intake', 'intake', 'handler', 'handler', 'handler', 'handler', 'handler', 'handler', 'handler', 'handler', 'handler', 'lead', 'lead', 'supervisor', 'inspector', 'system_admin', 'custodian'];
const PREFECTURE_ROLES: Role[] = ['supervisor', 'intake', 'intake', 'handler', 'handler', 'handler', 'lead', 'lead', 'supervisor', 'supervisor', 'inspector', 'system_admin'];
const PROVINCE_ROLES: Role[] = [...PREFECTURE_ROLES, ...PREFECTURE_ROLES, 'custodian', 'lead', 'supervisor', 'handler', 'handler', 'intake'];

export const BENCH_PREFECTURE = '220100';

export function generateStaff(w: World, total: number, passwordHash: string): StaffDirectory {
  const r = w.random;
  const plan: { unitId: number; region: string; roles: Role[] }[] = [];
  const scale = Math.min(1, total / 2000);
  const take = (roles: Role[]) => roles.slice(0, Math.max(3, Math.round(roles.length * scale)));
  plan.push({ unitId: w.civilAffairs.get(w.provinceCode)!, region: w.provinceCode, roles: take(PROVINCE_ROLES) });
  for (const p of w.prefectures) plan.push({ unitId: w.civilAffairs.get(p.code)!, region: p.code, roles: take(PREFECTURE_ROLES) });
  for (const c of w.counties) plan.push({ unitId: w.civilAffairs.get(c.code)!, region: c.code, roles: take(COUNTY_ROLES) });
  let planned = plan.reduce((n, p) => n + p.roles.length, 0);
  // The rest: one handler in each of as many township governments as remain, spread over counties.
  const townships = [...w.townships].sort((a, b) => (a.code.slice(-3) + a.code).localeCompare(b.code.slice(-3) + b.code));
  for (const t of townships) {
    if (planned >= total) break;
    plan.push({ unitId: w.townshipGov.get(t.code)!, region: t.code, roles: ['handler'] });
    planned++;
  }

  const insert = w.sqlite.prepare(`INSERT INTO users (id, username, display_name, unit_id, roles, email, home_village_code, password_hash, password_changed_at,
      must_change_password, totp_sealed, totp_enabled, totp_last_step, recovery_codes, failed_logins, locked_until, disabled, created_at, last_login_at)
    VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 0, ?, 1, NULL, NULL, 0, NULL, 0, ?, ?)`);
  const firstId = ((w.sqlite.prepare('SELECT max(id) AS m FROM users').get() as { m: number | null }).m ?? 0) + 1;
  const byUnit: StaffDirectory['byUnit'] = new Map();
  let bench: StaffDirectory['benchUser'] | null = null;
  let id = firstId;
  const created = w.now - 400 * DAY;
  inTransaction(w, () => {
    for (const unit of plan) {
      const counts = new Map<Role, number>();
      for (const role of unit.roles) {
        counts.set(role, (counts.get(role) ?? 0) + 1);
        const username = `${unit.region}.${role}.${counts.get(role)}`;
        const secret = generateSecret();
        const at = created + int(r, 0, 30) * DAY;
        // Most have a handler role besides their main one only where the unit is small.
        const roles: Role[] = unit.roles.length <= 3 && role !== 'handler' ? [role, 'handler'] : [role];
        // Passwords are changed within the maximum age (SUNSHINE_PASSWORD_MAX_AGE_DAYS, 90 by default): the last change in the past 60 days.
        const passwordChangedAt = w.now - ((id % 60) + 1) * DAY; // (not from the random stream, which the rest of the data follows)
        insert.run(id, username, personName(r), unit.unitId, roles.join(','), `${username}@staff.sunshine.invalid`, passwordHash, passwordChangedAt, seal(w.keys.identity, secret, `totp:${id}`), at, w.now - int(r, 1, 30) * DAY);
        w.audit.append(at, { type: 'system' }, 'user.create', { type: 'user', id }, { unit: unit.unitId, roles });
        const list = byUnit.get(unit.unitId) ?? {};
        for (const role2 of roles) (list[role2] ??= []).push(id);
        byUnit.set(unit.unitId, list);
        if (!bench && unit.region === BENCH_PREFECTURE && role === 'supervisor') bench = { id, username, unitRegion: unit.region, totpSecret: secret };
        id++;
      }
    }
  });
  if (!bench) throw new Error('no bench user was planned');
  return { byUnit, total: id - firstId, benchUser: bench };
}

/** A user of the unit with one of the roles (first role that has anyone), else any user of it. */
export function staffOf(dir: StaffDirectory, unitId: number, roles: Role[], r: () => number): number | null {
  const list = dir.byUnit.get(unitId);
  if (!list) return null;
  for (const role of roles) {
    const ids = list[role];
    if (ids && ids.length) return ids[Math.floor(r() * ids.length)]!;
  }
  const any = Object.values(list).flat();
  return any.length ? any[Math.floor(r() * any.length)]! : null;
}
