// Query codes across a switch of crypto profile (issue 23): a code is looked up by its keyed digest,
// HMAC-SHA256 under intl, HMAC-SM3 under sm. A villager holding a code issued before the portal
// switched to the SM profile must still reach the report; and one issued after, if it switches back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { findByQueryCode } from '../../src/reports/tracking.js';
import { useCryptoProfile } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { aVillageOf } from '../helpers/reports.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

async function fileUnder(profile: 'intl' | 'sm'): Promise<{ id: number; code: string }> {
  const previous = useCryptoProfile(profile);
  try {
    const village = await aVillageOf(t.app, '220102');
    const { report, queryCode } = await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: village, placeOther: null, countyCode: '220102', townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    return { id: report.id, code: queryCode.replace(/\s/g, '') };
  } finally {
    useCryptoProfile(previous);
  }
}

async function findUnder(profile: 'intl' | 'sm', code: string): Promise<number | null> {
  const previous = useCryptoProfile(profile);
  try {
    return (await findByQueryCode(t.app.deps, code))?.id ?? null;
  } finally {
    useCryptoProfile(previous);
  }
}

describe('query codes and the crypto profile', () => {
  it('finds a report by a code issued under the other profile, and nothing by a wrong code', async () => {
    const before = await fileUnder('intl');
    const after = await fileUnder('sm');
    expect(await findUnder('sm', before.code)).toBe(before.id);
    expect(await findUnder('intl', after.code)).toBe(after.id);
    expect(await findUnder('sm', after.code)).toBe(after.id);
    const wrong = before.code.slice(0, 15) + String((Number(before.code[15]) + 1) % 10);
    expect(await findUnder('sm', wrong)).toBeNull();
  });
});

describe('a form retried across a crypto-profile switch', () => {
  it('finds the report the first post filed and files nothing twice', async () => {
    const village = await aVillageOf(t.app, '220102');
    const input = { category: 'favouritism', placeCode: village, placeOther: null, countyCode: '220102', townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never;
    const nonce = 'retried-form-nonce-0001';
    const previous = useCryptoProfile('intl');
    let first: Awaited<ReturnType<typeof fileReport>>;
    try {
      first = await fileReport(t.app.deps, input, [], { channel: 'online', nonce });
    } finally {
      useCryptoProfile(previous);
    }
    useCryptoProfile('sm');
    try {
      const again = await fileReport(t.app.deps, input, [], { channel: 'online', nonce });
      expect(again.repeated).toBe(true);
      expect(again.report.id).toBe(first.report.id);
    } finally {
      useCryptoProfile(previous);
    }
  });
});
