// Demo staff: a county (南关区), its city (长春市), the province, a township and the county's
// discipline commission, each with a generated password and an enrolled TOTP secret printed once.
import type { Deps } from '../shared/deps.js';
import { createUser, newRecoveryCodes, newTotpSecret, recoveryDigest, updateUser, type Role, type User } from '../users/index.js';
import { findUnit, findUnitByKey } from '../units/index.js';
import { staffContext, type StaffContext } from '../plugins/auth.js';
import { seal } from '../shared/crypto.js';

interface DemoAccount {
  username: string;
  displayName: string;
  unitKey: string;
  roles: Role[];
  homeVillageCode?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', displayName: '省厅系统管理员', unitKey: 'ca:220000', roles: ['system_admin'] },
  { username: 'anquan', displayName: '省厅安全管理员', unitKey: 'ca:220000', roles: ['security_admin'] },
  { username: 'shenji', displayName: '省厅审计管理员', unitKey: 'ca:220000', roles: ['audit_admin'] },
  { username: 'sheng.dubanyuan', displayName: '刘卫东', unitKey: 'ca:220000', roles: ['supervisor', 'lead'] },
  { username: 'sheng.baoguan', displayName: '陈淑华', unitKey: 'ca:220000', roles: ['custodian'] },
  { username: 'cc.dubanyuan', displayName: '王立新', unitKey: 'ca:220100', roles: ['supervisor', 'lead'] },
  { username: 'cc.baoguan', displayName: '赵雪梅', unitKey: 'ca:220100', roles: ['custodian'] },
  { username: 'ng.shouli', displayName: '李晓红', unitKey: 'ca:220102', roles: ['intake'] },
  { username: 'ng.chengban', displayName: '张国庆', unitKey: 'ca:220102', roles: ['handler'], homeVillageCode: '220102002001' },
  { username: 'ng.chengban2', displayName: '孙丽娟', unitKey: 'ca:220102', roles: ['handler'] },
  { username: 'ng.fuzeren', displayName: '周建军', unitKey: 'ca:220102', roles: ['lead', 'handler'] },
  { username: 'ng.baoguan', displayName: '吴桂芝', unitKey: 'ca:220102', roles: ['custodian'] },
  { username: 'nanling.zhuli', displayName: '郑春生', unitKey: 'gov:220102001', roles: ['handler'] },
  { username: 'ng.jijian', displayName: '冯志刚', unitKey: 'dic:220102', roles: ['inspector'] },
  { username: 'ng.gongan', displayName: '高建华', unitKey: 'dept:220102:police', roles: ['handler'] },
];

export interface DemoCredential {
  username: string;
  displayName: string;
  unit: string;
  password: string;
  totpSecret: string;
  /** Real one-time recovery codes, random like any account's and printed once with the password. */
  recoveryCodes: string[];
  user: User;
}

/** Recovery codes per demo account: enough to try one, not a page of console output. */
const DEMO_RECOVERY_CODES = 2;

export async function seedDemoStaff(deps: Deps): Promise<DemoCredential[]> {
  const out: DemoCredential[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const unit = await findUnitByKey(deps.db, a.unitKey);
    if (!unit) throw new Error(`demo unit ${a.unitKey} missing`);
    const { user, password } = await createUser(deps, { username: a.username, displayName: a.displayName, unitId: unit.id, roles: a.roles, email: `${a.username}@staff.sunshine.invalid`, homeVillageCode: a.homeVillageCode ?? null }, { type: 'system' });
    const totpSecret = newTotpSecret();
    const recoveryCodes = newRecoveryCodes(DEMO_RECOVERY_CODES);
    await updateUser(deps.db, user.id, { totpSealed: seal(deps.keys.identity, totpSecret, `totp:${user.id}`), totpEnabled: true, mustChangePassword: false, recoveryCodes: JSON.stringify(recoveryCodes.map((c) => recoveryDigest(deps.keys['id-hash'], c))) });
    out.push({ username: a.username, displayName: a.displayName, unit: unit.name, password, totpSecret, recoveryCodes, user: { ...user, totpEnabled: true, mustChangePassword: false } });
  }
  return out;
}

/** Acting as the demo account `username` (seeded by seedDemoStaff), for the demo's own workflow steps. */
export async function demoStaffContext(deps: Deps, staff: DemoCredential[], username: string): Promise<StaffContext> {
  const c = staff.find((s) => s.username === username);
  if (!c) throw new Error(`demo account ${username} missing`);
  return staffContext(c.user, (await findUnit(deps.db, c.user.unitId))!);
}
