// Issue 16 defect 9: with TRUST_PROXY=true the client address is the left-most X-Forwarded-For
// entry, which the client writes itself: 25 wrong query codes, none blocked. With a hop count the
// address is the one the proxy appended, so forged entries change nothing; `true` is warned about
// at start.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { prepareStart } from '../../src/startup.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm } from '../helpers/forms.js';

const PROXY = '10.0.0.2';
const apps: TestApp[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const a of apps.splice(0)) await a.close();
});

/** A wrong code posted through the proxy by the client at `client`, which forges a left-most entry. */
async function wrongCode(t: TestApp, client: string, i: number) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({
    method: 'POST',
    url: '/track',
    cookies: form.cookies,
    remoteAddress: PROXY,
    headers: { 'x-forwarded-for': `203.0.113.${i % 250}, ${client}` },
    payload: { _csrf: form.csrf, code: `1111222233334${String(i).padStart(3, '0')}` },
  });
  return res.statusCode;
}

describe('TRUST_PROXY', () => {
  it('with a hop count, counts the address the proxy saw, whatever the client forges', async () => {
    const t = await makeApp({ trustProxy: loadConfig({ TRUST_PROXY: '1' }).trustProxy, trackAttemptsPerWindow: 10 });
    apps.push(t);
    const statuses: number[] = [];
    // The clock stands still, so no wait runs out between the tries.
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 25; i++) statuses.push(await wrongCode(t, '198.51.100.7', i));
    // Ten free wrong codes; the eleventh sets the first wait (a doubling delay, issue 20 item 8), and
    // every try during it is refused.
    expect(statuses.slice(0, 11).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(11).every((s) => s === 429)).toBe(true);
    // Another client behind the same proxy is not affected.
    expect(await wrongCode(t, '198.51.100.8', 99)).toBe(400);
  });

  it('with proxy addresses, likewise', async () => {
    const t = await makeApp({ trustProxy: loadConfig({ TRUST_PROXY: `${PROXY}` }).trustProxy, trackAttemptsPerWindow: 10 });
    apps.push(t);
    const statuses: number[] = [];
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 13; i++) statuses.push(await wrongCode(t, '198.51.100.9', i));
    expect(statuses.slice(10)).toEqual([400, 429, 429]);
  });

  it('warns at start when set to true, and not otherwise', async () => {
    const t = await makeApp({ trustProxy: true, demoData: 'off', retention: { identityDays: 1800, evidenceDays: 1800, declarationYears: 5 } });
    apps.push(t);
    const lines = await prepareStart(t.app, t.config);
    expect(lines.join('\n')).toMatch(/TRUST_PROXY=true trusts every X-Forwarded-For entry/);
    const quiet = await prepareStart(t.app, { ...t.config, trustProxy: 1 });
    expect(quiet.join('\n')).not.toContain('TRUST_PROXY');
  });
});
