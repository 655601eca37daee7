// Issue 15 defect 2: demo data is never mistaken for production. `npm start` on an empty database
// seeds a demo and marks it; every page then says 演示数据; SUNSHINE_DEMO_DATA=off refuses a demo
// database; seeding refuses a production one; production refuses to start without a retention
// schedule.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DEMO_RETENTION } from '../src/config.js';
import { activeProfile, useCryptoProfile } from '../src/shared/crypto/index.js';
import { seedDemoIfEmpty } from '../src/demo/index.js';
import { claimInstallMode, installMode, InstallModeError } from '../src/installation/index.js';
import { fileReport } from '../src/reports/index.js';
import { prepareStart, StartRefused } from '../src/startup.js';
import { userCount } from '../src/users/index.js';
import { makeApp, type TestApp } from './helpers/app.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});
async function app(over: Parameters<typeof makeApp>[0] = {}) {
  const t = await makeApp(over);
  apps.push(t);
  return t;
}

describe('install mode at start', () => {
  it('seeds an empty database as a demo, marks every page, prints the accounts and a loud banner', async () => {
    const t = await app({ demoData: 'auto' });
    const lines = await prepareStart(t.app, t.config);
    expect(await installMode(t.app.db)).toBe('demo');
    const text = lines.join('\n');
    expect(text).toContain('DEMO MODE');
    expect(text).toMatch(/admin\s+password \S+\s+TOTP \S+\s+recovery [0-9a-f-]{14} [0-9a-f-]{14}/);
    for (const url of ['/', '/report', '/track', '/staff/login']) {
      const page = await t.app.inject({ url });
      expect(page.body, url).toContain('class="demo-ribbon"');
      expect(page.body).toContain('演示数据');
    }
    const ko = await t.app.inject({ url: '/', cookies: { lang: 'ko' } });
    expect(ko.body).toContain('시연 자료');
    // Issue 20 item 12: one printed query code per stage a villager can reach, each opening a
    // tracking page in that stage (not four reports waiting past their deadline).
    const printed = [...text.matchAll(/^ {2}(\d{4} \d{4} \d{4} \d{4}) {2}(.+)$/gm)].map((m) => ({ code: m[1]!, stage: m[2]! }));
    expect(printed.map((p) => p.stage)).toEqual([
      'answered in writing: rate it, or ask for a review',
      'under review by the city (复查)',
      'answered, problems being rectified (整改)',
      'referred to discipline inspection (移送纪检监察机关)',
      'being investigated, with a question from the handler',
      'new, waiting for acceptance',
    ]);
    const expected = ['已办结', '复查中', '正在整改', '已移送纪检监察机关处理', '正在核查', '已收到，等待受理'];
    for (const [i, p] of printed.entries()) {
      const form = await t.app.inject({ url: '/track' });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const cookies = Object.fromEntries((form.cookies as { name: string; value: string }[]).map((c) => [c.name, c.value]));
      const res = await t.app.inject({ method: 'POST', url: '/track', cookies, remoteAddress: `10.30.0.${i + 1}`, payload: { _csrf: csrf, code: p.code } });
      expect(res.statusCode, p.stage).toBe(303);
      for (const c of res.cookies as { name: string; value: string }[]) cookies[c.name] = c.value;
      const page = await t.app.inject({ url: '/track/report', cookies });
      expect(page.body, p.stage).toContain(expected[i]!);
    }
    // A second start neither seeds again nor prints passwords, and still warns.
    const again = await prepareStart(t.app, t.config);
    expect(again.join('\n')).not.toMatch(/password [A-Za-z0-9]{16}/);
    expect(again.join('\n')).toContain('DEMO MODE');
  }, 120_000);

  it('refuses SUNSHINE_DEMO_DATA=off on a demo database: a demo is never promoted', async () => {
    const t = await app({ demoData: 'auto' });
    await prepareStart(t.app, t.config);
    await expect(prepareStart(t.app, { ...t.config, demoData: 'off', retention: { identityDays: 1800, evidenceDays: 1800, declarationYears: 5 } })).rejects.toThrow(StartRefused);
    expect(await installMode(t.app.db)).toBe('demo');
  }, 120_000);

  it('starts production with SUNSHINE_DEMO_DATA=off only with a retention schedule, and shows no ribbon', async () => {
    const t = await app({ demoData: 'off', retention: null });
    await expect(prepareStart(t.app, t.config)).rejects.toThrow(/SUNSHINE_RETAIN_IDENTITY_DAYS/);
    // Marked production all the same: the next start with the schedule goes on.
    expect(await installMode(t.app.db)).toBe('production');
    const lines = await prepareStart(t.app, { ...t.config, retention: { identityDays: 1800, evidenceDays: 1800, declarationYears: 5 } });
    expect(lines.join('\n')).not.toContain('DEMO');
    expect(await userCount(t.app.db)).toBe(0);
    const page = await t.app.inject({ url: '/' });
    expect(page.body).not.toContain('demo-ribbon');
  });

  it('never seeds a database marked production, nor an unmarked one that holds a report', async () => {
    const prod = await app({ demoData: 'auto', retention: DEMO_RETENTION });
    await claimInstallMode(prod.app.db, 'production');
    await expect(seedDemoIfEmpty(prod.app)).rejects.toThrow(InstallModeError);
    expect(await prepareStart(prod.app, prod.config)).toEqual([]);
    expect(await userCount(prod.app.db)).toBe(0);

    const real = await app({ demoData: 'auto', retention: DEMO_RETENTION });
    await fileReport(
      real.app.deps,
      { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村里有人把不符合条件的亲戚评上了低保。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    expect(await seedDemoIfEmpty(real.app)).toBeNull();
    await prepareStart(real.app, real.config);
    expect(await userCount(real.app.db)).toBe(0);
    expect(await installMode(real.app.db)).toBe('production');
  });

  it('refuses to start with a master key under which the audit log does not verify (a node given another key)', async () => {
    const t = await app({ retention: DEMO_RETENTION });
    await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村里有人把不符合条件的亲戚评上了低保。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    expect(await prepareStart(t.app, t.config)).toEqual([]);
    // A second node (or a restart) on the same database with another key: its audit entries would
    // break the chain and it could open none of the sealed data, so it does not start.
    const other = await makeApp({ dataDir: t.dataDir, databaseUrl: t.config.databaseUrl, masterKey: Buffer.alloc(32, 9), retention: DEMO_RETENTION });
    try {
      await expect(prepareStart(other.app, other.config)).rejects.toThrow(StartRefused);
      await expect(prepareStart(other.app, other.config)).rejects.toThrow(/master key does not match/);
    } finally {
      await other.close();
    }
    expect(await prepareStart(t.app, t.config)).toEqual([]);
    // The right key after a switch of crypto profile (issue 23): the latest entry was written under
    // the other profile's MAC, which its stored MAC names, and the start goes on.
    const previous = useCryptoProfile(activeProfile() === 'sm' ? 'intl' : 'sm');
    try {
      expect(await prepareStart(t.app, t.config)).toEqual([]);
    } finally {
      useCryptoProfile(previous);
    }
  });

  it('starts under the SM profile while rosters or declarations carry only intl ID-number hashes, with a warning line (issue 23)', async () => {
    const previous = useCryptoProfile('intl');
    let t: TestApp;
    try {
      // A demo seeded (at start) under intl, whose declarations then look as lists imported before
      // hashes were kept under both profiles do (the demo now stores both, as imports do).
      t = await app({ demoData: 'auto' });
      const lines = await prepareStart(t.app, t.config);
      await t.app.db.run(sql`update declarants set id_hash_alt = null`);
      await t.app.db.run(sql`update declared_relatives set id_hash_alt = null`);
      // Under intl such rows need no word.
      expect(lines.join('\n')).not.toContain('HMAC-SHA256');
    } finally {
      useCryptoProfile(previous);
    }
    const before = useCryptoProfile('sm');
    try {
      // They match under both profiles now, so the start goes on; it names what still waits for a re-import.
      const lines = await prepareStart(t.app, t.config);
      const warning = lines.find((l) => l.includes('hashed only under HMAC-SHA256'));
      expect(warning).toMatch(/^Warning: SUNSHINE_CRYPTO=sm, but \d+ roster entries and [1-9]\d* declared people are still hashed only under HMAC-SHA256/);
      expect(warning).toContain('re-import those lists');
    } finally {
      useCryptoProfile(before);
    }
  }, 120_000);

  it('refuses to mark a demo as production and the other way round', async () => {
    const t = await app();
    await claimInstallMode(t.app.db, 'demo');
    await expect(claimInstallMode(t.app.db, 'production')).rejects.toThrow(InstallModeError);
    await claimInstallMode(t.app.db, 'demo');
    expect(await installMode(t.app.db)).toBe('demo');
  });
});
