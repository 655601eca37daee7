// The account forms (create, edit): validated at the boundary, with the input kept for re-rendering.
import type { Db } from '../db/connection.js';
import { findRegion } from '../regions/index.js';
import type { Locale } from '../config.js';
import { findUserByName, isRole, parseMailLocale, ROLES, type Role } from '../users/index.js';

export type Body = Record<string, string | string[] | undefined>;

export interface AccountValues {
  username: string;
  displayName: string;
  unitId: string;
  roles: string[];
  email: string;
  homeVillageCode: string;
  /** The language of the user's e-mails; '' is the site default. */
  mailLocale: string;
}

/** The account's details; roles are not among them (the security administrator's form, readRoles). */
export interface ValidAccount {
  username: string;
  displayName: string;
  unitId: number;
  email: string;
  homeVillageCode: string | null;
  locale: Locale | null;
}

export type FieldErrors = Partial<Record<keyof AccountValues, string>>;

const USERNAME = /^[a-z0-9._-]{3,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VILLAGE = /^\d{12}$/;

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

function many(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.trim()).filter(Boolean);
}

export function readAccount(body: Body): AccountValues {
  return {
    username: one(body.username).toLowerCase(),
    displayName: one(body.display_name),
    unitId: one(body.unit_id),
    roles: many(body.roles),
    email: one(body.email),
    homeVillageCode: one(body.home_village),
    mailLocale: one(body.mail_locale),
  };
}

/**
 * Checks an account's fields. `creating`: the user name is checked and must be new (it cannot be
 * changed later: it is what the audit log and the sign-in know).
 */
export async function validateAccount(db: Db, v: AccountValues, scopeUnitIds: number[], creating: boolean): Promise<{ ok: true; account: ValidAccount } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  if (creating) {
    if (!USERNAME.test(v.username)) errors.username = 'admin.errors.username';
    else if (await findUserByName(db, v.username)) errors.username = 'admin.errors.username_taken';
  }
  if (!v.displayName || v.displayName.length > 50) errors.displayName = 'admin.errors.display_name';
  const unitId = Number(v.unitId);
  if (!/^\d+$/.test(v.unitId) || !scopeUnitIds.includes(unitId)) errors.unitId = 'admin.errors.unit';
  // Optional (issue 19 item 15): a township official without an address gets in-app notices only.
  if (v.email !== '' && (!EMAIL.test(v.email) || v.email.length > 200)) errors.email = 'admin.errors.email';
  if (v.homeVillageCode) {
    const region = VILLAGE.test(v.homeVillageCode) ? await findRegion(db, v.homeVillageCode) : undefined;
    if (!region || region.level !== 'village') errors.homeVillageCode = 'admin.errors.home_village';
  }
  const locale = parseMailLocale(v.mailLocale);
  if (locale === undefined) errors.mailLocale = 'profile.mail_language_invalid';
  if (Object.keys(errors).length > 0 || locale === undefined) return { ok: false, errors };
  return { ok: true, account: { username: v.username, displayName: v.displayName, unitId, email: v.email, homeVillageCode: v.homeVillageCode || null, locale } };
}

/** The roles ticked on the security administrator's form, in canonical order; null if any is unknown. */
export function readRoles(body: Body): Role[] | null {
  const picked = [...new Set(many(body.roles))];
  if (!picked.every(isRole)) return null;
  return ROLES.filter((r) => picked.includes(r));
}

/** Errors as a list for the summary at the top of the form, in field order. */
export function errorList(errors: FieldErrors): { field: string; key: string }[] {
  const order: (keyof AccountValues)[] = ['username', 'displayName', 'unitId', 'roles', 'email', 'homeVillageCode', 'mailLocale'];
  return order.filter((f) => errors[f]).map((f) => ({ field: f, key: errors[f]! }));
}
