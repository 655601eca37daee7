// Notices about identity requests: that something waits and where, never the case, reason or
// identity; each user in their own e-mail language (users.locale), else the site default, and by
// the channel the user chose — e-mail, text or both (issue 24, users' sendStaffNotice). The text,
// like the e-mail, names no case number.
import type { Deps } from '../shared/deps.js';
import { findUser, sendStaffNotice, staffNoticeParts, usersWithRole } from '../users/index.js';
import type { IdentityRequest } from './repository.js';

/** Tells the deciding unit's custodians (except the requester) that a request waits. */
export async function notifyCustodians(deps: Deps, request: IdentityRequest): Promise<number> {
  const link = `${deps.config.baseUrl}/staff/identity-requests`;
  const custodians = (await usersWithRole(deps.db, request.deciderUnitId, 'custodian')).filter((u) => u.id !== request.requesterId);
  for (const user of custodians) {
    await sendStaffNotice(deps, user, staffNoticeParts(deps.config, user, 'identity_request', { link }), { later: true });
  }
  return custodians.length;
}

/** Tells the requester that their request was decided (the result is on the page, not in the mail). */
export async function notifyRequester(deps: Deps, request: IdentityRequest): Promise<void> {
  const user = await findUser(deps.db, request.requesterId);
  if (!user || user.disabled) return;
  const link = `${deps.config.baseUrl}/staff/reports/${request.reportId}/identity`;
  await sendStaffNotice(deps, user, staffNoticeParts(deps.config, user, 'identity_decided', { link }), { later: true });
}
