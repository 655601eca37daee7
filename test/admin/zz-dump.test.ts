import { it } from 'vitest';
import fs from 'node:fs';
import { makeApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';
it('dump', async () => {
  const t = await makeApp();
  const a = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['administrator']));
  const h = await createStaff(t.app, 'ca:220102', ['handler']);
  for (const [name, url] of [['list', '/staff/admin/users'], ['new', '/staff/admin/users/new'], ['user', `/staff/admin/users/${h.user.id}`], ['audit', '/staff/admin/audit'], ['cal', '/staff/admin/calendar']] as const) {
    const r = await a.get(url);
    fs.writeFileSync(`/tmp/dump-${name}.html`, `${r.statusCode}\n${r.body}`);
  }
  const v = await a.post('/staff/admin/audit/verify', {}, '/staff/admin/audit');
  fs.writeFileSync(`/tmp/dump-verify.html`, `${v.statusCode}\n${v.body}`);
  await t.close();
});
