// A portal built under the intl profile for the key-rotation tests (issue 23 part B): real-name
// reports with evidence files (one of several chunks, one in the single-stream "SSF1" format of
// before issue 16, staff material with a note), staff with TOTP; and the checks that afterwards,
// under sm, everything opens, downloads and signs in — and is stored in the sm formats.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { allStoredNames, decryptFromStore, eraseStored, markEvidenceErased, encryptUploads, evidenceOf, linkUploads, originalName, fileNote, readAll, type CleanFile } from '../../src/evidence/index.js';
import { storedFileProfile } from '../../src/evidence/storage.js';
import { findReport, fileReport, findByQueryCode, type Identity } from '../../src/reports/index.js';
import { keyFor, sealedProfile, unsealJson, useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { findUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { aVillageOf } from '../helpers/reports.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';

export interface FiledFile {
  owner: { type: string; id: number };
  name: string;
  note: string | null;
  bytes: Buffer;
}

export interface Scenario {
  t: TestApp;
  reports: { id: number; code: string; identity: Identity | null }[];
  files: FiledFile[];
  /** Files the retention schedule erased: the row (and its sealed name) stays, the file is gone. */
  erased: FiledFile[];
  /** Their stored names (still in the rows, no longer in the store). */
  erasedNames: string[];
  staff: TestStaff[];
}

const PDF = { mime: 'application/pdf', ext: 'pdf', kind: 'pdf' as const, cleanable: false };

/** A plaintext file in the app's temporary folder, as the upload path leaves it. */
function cleanFile(t: TestApp, name: string, bytes: Buffer): CleanFile {
  const file = path.join(t.app.deps.dirs.tmp, crypto.randomBytes(8).toString('hex'));
  fs.writeFileSync(file, bytes);
  return { originalName: name, path: file, sniff: PDF, cleaned: false };
}

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(size)]);

/** Files one report under the active profile; returns its id and query code. */
export async function fileOne(t: TestApp, n: number, withIdentity: boolean, files: FiledFile[] = []): Promise<{ id: number; code: string; identity: Identity | null }> {
  const village = await aVillageOf(t.app, '220102');
  const identity = withIdentity ? { name: `实名${n}`, phone: `1390000${String(n).padStart(4, '0')}`, email: `r${n}@test.invalid`, address: `某村${n}组` } : null;
  const bytes = [pdf(1000 + n), ...(n % 3 === 0 ? [pdf(150 * 1024)] : [])];
  const names = bytes.map((_, i) => `证据${n}-${i}.pdf`);
  const { report, queryCode } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: village, placeOther: null, countyCode: '220102', townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: `村干部优亲厚友，第${n}件。`, happenedAt: null, identity } as never,
    bytes.map((b, i) => cleanFile(t, names[i]!, b)),
    { channel: 'online', nonce: null },
  );
  bytes.forEach((b, i) => files.push({ owner: { type: 'report', id: report.id }, name: names[i]!, note: null, bytes: b }));
  return { id: report.id, code: queryCode.replace(/\s/g, ''), identity };
}

/** A stored file in the single-stream format written before issue 16 ("SSF1", one AES-256-GCM stream). */
async function legacyFile(t: TestApp, reportId: number, files: FiledFile[]): Promise<void> {
  const bytes = pdf(5000);
  const storedName = crypto.randomBytes(16).toString('hex');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFor(t.app.keys.files, 'intl'), iv).setAAD(Buffer.from(storedName));
  const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
  fs.writeFileSync(path.join(t.app.deps.dirs.files, storedName), Buffer.concat([Buffer.from('SSF1'), iv, body, cipher.getAuthTag()]));
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const file: CleanFile = { originalName: '旧格式.pdf', path: '', sniff: PDF, cleaned: false };
  await linkUploads(t.app.db, t.app.keys.identity, [{ file, stored: { storedName, size: bytes.length, sha256 } }], { type: 'report', id: reportId }, { type: 'reporter' }, Date.now());
  files.push({ owner: { type: 'report', id: reportId }, name: '旧格式.pdf', note: null, bytes });
}

/** Staff material with a note (sealed like the name). */
async function staffMaterial(t: TestApp, reportId: number, staffId: number, files: FiledFile[]): Promise<void> {
  const bytes = pdf(3000);
  const uploads = await encryptUploads(t.app.deps.dirs, t.app.keys.files, [cleanFile(t, '核查笔录.pdf', bytes)]);
  await linkUploads(t.app.db, t.app.keys.identity, uploads, { type: 'report_staff', id: reportId }, { type: 'staff', id: staffId }, Date.now(), '入户核查，邻居张某在场');
  files.push({ owner: { type: 'report_staff', id: reportId }, name: '核查笔录.pdf', note: '入户核查，邻居张某在场', bytes });
}

/** A fresh portal with `count` reports (two in three real-name), their files and three staff, all under intl. */
export async function intlPortal(count: number): Promise<Scenario> {
  const previous = useCryptoProfile('intl');
  try {
    const t = await makeApp();
    const files: FiledFile[] = [];
    const reports: Scenario['reports'] = [];
    for (let n = 0; n < count; n++) reports.push(await fileOne(t, n, n % 3 !== 2, files));
    const staff = [await createStaff(t.app, 'ca:220102', ['handler']), await createStaff(t.app, 'ca:220102', ['intake']), await createStaff(t.app, 'ca:220102', ['lead'])];
    await legacyFile(t, reports[0]!.id, files);
    await staffMaterial(t, reports[1]!.id, staff[0]!.user.id, files);
    const erased = files.filter((f) => f.owner.type === 'report' && f.owner.id === reports[2]!.id);
    const erasedNames: string[] = [];
    for (const row of await evidenceOf(t.app.db, 'report', reports[2]!.id)) {
      await eraseStored(t.app.deps.dirs, row.storedName);
      await markEvidenceErased(t.app.db, row.id, Date.now());
      erasedNames.push(row.storedName);
    }
    return { t, reports, files: files.filter((f) => !erased.includes(f)), erased, erasedNames, staff };
  } finally {
    useCryptoProfile(previous);
  }
}

/** Every stored file of the scenario, by owner and original name. */
async function storedFiles(s: Scenario) {
  const owners = new Map(s.files.map((f) => [`${f.owner.type}:${f.owner.id}`, f.owner]));
  const rows = [];
  for (const owner of owners.values()) rows.push(...(await evidenceOf(s.t.app.db, owner.type, owner.id)));
  return rows.filter((r) => r.erasedAt === null);
}

/**
 * Under sm: every identity, TOTP secret, file name, note and file is stored in the sm format and
 * opens to what was filed; every staff member signs in; every query code finds its report; the
 * store holds exactly the files the rows name.
 */
export async function expectAllUnder(s: Scenario, profile: CryptoProfileName): Promise<void> {
  const { app } = s.t;
  for (const r of s.reports) {
    const row = (await findReport(app.db, r.id))!;
    if (r.identity) {
      expect(sealedProfile(row.identitySealed!)).toBe(profile);
      expect(unsealJson<Identity>(app.keys.identity, row.identitySealed!, `report:${r.id}`)).toEqual(r.identity);
    } else expect(row.identitySealed).toBeNull();
    expect((await findByQueryCode(app.deps, r.code))?.id).toBe(r.id);
  }
  const rows = await storedFiles(s);
  expect(rows.length).toBe(s.files.length);
  for (const f of s.files) {
    const row = rows.find((r) => r.ownerType === f.owner.type && r.ownerId === f.owner.id && originalName(app.keys.identity, r) === f.name)!;
    expect(row, f.name).toBeDefined();
    expect(sealedProfile(row.nameSealed)).toBe(profile);
    expect(fileNote(app.keys.identity, row)).toBe(f.note);
    if (f.note) expect(sealedProfile(row.noteSealed!)).toBe(profile);
    expect(await storedFileProfile(app.deps.dirs, row.storedName)).toBe(profile);
    expect((await readAll(decryptFromStore(app.deps.dirs, app.keys.files, row.storedName))).equals(f.bytes)).toBe(true);
  }
  for (const f of s.erased) {
    const row = (await evidenceOf(app.db, f.owner.type, f.owner.id)).find((r) => originalName(app.keys.identity, r) === f.name)!;
    expect(row.erasedAt).not.toBeNull();
    expect(sealedProfile(row.nameSealed)).toBe(profile);
    expect(fs.existsSync(path.join(app.deps.dirs.files, row.storedName))).toBe(false);
  }
  for (const staff of s.staff) {
    expect(sealedProfile((await findUser(app.db, staff.user.id))!.totpSealed!)).toBe(profile);
    await signIn(app, staff);
  }
}

/** The stored names in the store (no .part files, nothing else). */
export function storeNames(s: Scenario): string[] {
  return fs.readdirSync(s.t.app.deps.dirs.files).sort();
}

/** The stored names the rows of files not erased name (of every owner, not only the scenario's). */
export async function referencedNames(s: Scenario): Promise<string[]> {
  return [...(await allStoredNames(s.t.app.db))].filter((n) => !s.erasedNames.includes(n)).sort();
}

/**
 * The environment keys:rotate runs with against a scenario's portal, switching it to sm: its data
 * directory and, with PostgreSQL, its database and the master key (the tool, like every node, takes
 * the key from configuration there).
 */
export function rotationEnv(s: Scenario): Record<string, string> {
  const { config, dataDir } = s.t;
  const env: Record<string, string> = { DATA_DIR: dataDir, SUNSHINE_CRYPTO: 'sm', SUNSHINE_LOG_LEVEL: 'silent', SUNSHINE_DEMO_DATA: 'off' };
  if (config.databaseUrl) Object.assign(env, { DATABASE_URL: config.databaseUrl, SUNSHINE_MASTER_KEY: fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim() });
  return env;
}
