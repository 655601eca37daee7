// A year of recipient lists: every village's roster built up by township imports, as
// src/disclosure/import-service.ts + roster-update.ts applyPlans() write them. Round 0 (a year ago)
// lists most people; four later rounds (about quarterly, the last within the past two weeks, so
// some postings are open now) add people, change amounts and remove people. Each import is a
// recipient_imports row, one posting (公示, 7 days) per village with changes, the roster rows,
// the posting entries and a `disclosure.import` audit entry. Stored: masked name, surname, keyed
// ID hash (idNumberHash under the derived id-hash key), never a clear name or ID number.
import crypto from 'node:crypto';
import { idCheckChar, idNumberHash } from '../../src/disclosure/id-number.js';
import { maskName } from '../../src/disclosure/masking.js';
import { POSTING_DAYS, surnameOf } from '../../src/disclosure/posting-rules.js';
import { DAY, addDays, chinaDate, int, personName, prng } from './common.js';
import { staffOf, type StaffDirectory } from './staff.js';
import { inTransaction, type World } from './world.js';

const ROUNDS = 5;
const NEVER = 255;
const TYPES = ['dibao', 'extreme', 'temporary'] as const;

export interface DisclosureSummary {
  recipients: number;
  active: number;
  postings: number;
  entries: number;
  imports: number;
}

/** 18-digit ID number, unique per (county, k): a bijection of k onto (birth day, sequence). */
function idNumber(county: string, k: number, salt: number): string {
  const x = (k * 7919 + salt) % 27_000_000;
  const birth = new Date(Date.UTC(1935, 0, 1) + (x % 27_000) * DAY).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `${county}${birth}${String(Math.floor(x / 27_000)).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

export function generateDisclosure(w: World, total: number, staff: StaffDirectory): DisclosureSummary {
  const r = w.random;
  const villages = w.villages;
  // Rural villages carry most of the rolls; urban communities fewer. Lognormal spread between villages.
  const weights = villages.map((v) => (v.kind === 'village' ? 1 : 0.45) * Math.exp(0.6 * gauss(r)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const perVillage = weights.map((x) => Math.floor((total * x) / sum));
  for (let left = total - perVillage.reduce((a, b) => a + b, 0); left > 0; left--) perVillage[Math.floor(r() * villages.length)]!++;

  // Per person, in typed arrays (1M people): village, rounds of joining / change / removal, values.
  const village = new Uint16Array(total);
  const countyIndex = new Uint32Array(total);
  const join = new Uint8Array(total);
  const change = new Uint8Array(total).fill(NEVER);
  const leave = new Uint8Array(total).fill(NEVER);
  const size = new Uint8Array(total);
  const type = new Uint8Array(total);
  const amount0 = new Int32Array(total);
  const amount1 = new Int32Array(total);
  const recipientId = new Int32Array(total);
  const perCounty = new Map<string, number>();
  const peopleOfVillage: number[][] = villages.map(() => []);
  let p = 0;
  villages.forEach((v, vi) => {
    for (let k = 0; k < perVillage[vi]!; k++, p++) {
      village[p] = vi;
      const ci = perCounty.get(v.county) ?? 0;
      perCounty.set(v.county, ci + 1);
      countyIndex[p] = ci;
      join[p] = r() < 0.88 ? 0 : int(r, 1, ROUNDS - 1);
      if (join[p]! < ROUNDS - 1 && r() < 0.045) leave[p] = int(r, join[p]! + 1, ROUNDS - 1);
      const lastActive = leave[p] === NEVER ? ROUNDS - 1 : leave[p]! - 1;
      if (lastActive > join[p]! && r() < 0.035) change[p] = int(r, join[p]! + 1, lastActive);
      const t = r() < 0.78 ? 0 : r() < 0.77 ? 1 : 2;
      type[p] = t;
      size[p] = t === 1 ? 1 : int(r, 1, 5);
      const monthly = () => (t === 0 ? size[p]! * int(r, 250, 480) : t === 1 ? int(r, 600, 1000) : int(r, 500, 3000)) * 100 + int(r, 0, 1) * 50;
      amount0[p] = monthly();
      amount1[p] = change[p] === NEVER ? amount0[p]! : monthly();
      peopleOfVillage[vi]!.push(p);
    }
  });

  // The people's names come from a per-person seed, so a later round can mask the same name again.
  const nameOf = (person: number) => personName(prng(person * 2654435761));
  const salts = new Map<string, number>();
  const hashOf = (person: number) => {
    const v = villages[village[person]!]!;
    if (!salts.has(v.county)) salts.set(v.county, Number(v.county) % 100_003);
    return idNumberHash(w.keys['id-hash'], idNumber(v.county, countyIndex[person]!, salts.get(v.county)!));
  };

  const s = w.sqlite;
  const insImport = s.prepare('INSERT INTO recipient_imports (township_code, uploaded_by, uploaded_at, fingerprint, rows_fingerprint, row_count) VALUES (?, ?, ?, ?, ?, ?)');
  const insPosting = s.prepare('INSERT INTO postings (village_code, township_code, county_code, import_id, starts_on, ends_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insRecipient = s.prepare(`INSERT INTO recipients (village_code, township_code, county_code, id_hash, masked_name, surname, household_size, monthly_amount_fen, type, status, since_on, removed_on, last_posting_id, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL, ?, ?)`);
  const updChanged = s.prepare('UPDATE recipients SET monthly_amount_fen = ?, last_posting_id = ?, updated_at = ? WHERE id = ?');
  const updRemoved = s.prepare("UPDATE recipients SET status = 'removed', removed_on = ?, last_posting_id = ?, updated_at = ? WHERE id = ?");
  const setRowCount = s.prepare('UPDATE recipient_imports SET row_count = ? WHERE id = ?');
  const insEntry = s.prepare('INSERT INTO posting_entries (posting_id, recipient_id, change, masked_name, household_size, monthly_amount_fen, type) VALUES (?, ?, ?, ?, ?, ?, ?)');

  const villagesOfTownship = new Map<string, number[]>();
  villages.forEach((v, vi) => villagesOfTownship.set(v.township, [...(villagesOfTownship.get(v.township) ?? []), vi]));
  const offset = new Map(w.townships.map((t) => [t.code, int(r, 0, 12)]));
  const summary: DisclosureSummary = { recipients: 0, active: 0, postings: 0, entries: 0, imports: 0 };
  const activeInTownship = new Map<string, number>();

  for (let round = 0; round < ROUNDS; round++) {
    const chunk = 120;
    for (let i = 0; i < w.townships.length; i += chunk) {
      inTransaction(w, () => {
        for (const t of w.townships.slice(i, i + chunk)) {
          const vis = villagesOfTownship.get(t.code) ?? [];
          const base = round < ROUNDS - 1 ? w.now - 365 * DAY + round * 90 * DAY : w.now - 13 * DAY;
          const at = base + offset.get(t.code)! * DAY + int(r, 0, 8 * 3600_000);
          const today = chinaDate(at);
          const ends = addDays(today, POSTING_DAYS);
          let added = 0, changed = 0, removed = 0;
          const postings: number[] = [];
          let importId = 0;
          for (const vi of vis) {
            const people = peopleOfVillage[vi]!.filter((q) => join[q] === round || change[q] === round || leave[q] === round);
            if (people.length === 0) continue;
            if (!importId) {
              const fp = crypto.createHash('sha256').update(`${t.code}:${round}:file`).digest('hex');
              const rowsFp = crypto.createHash('sha256').update(`${t.code}:${round}:rows`).digest('hex');
              const uploader = staffOf(staff, w.civilAffairs.get(t.county)!, ['intake', 'handler'], r) ?? 0;
              importId = Number(insImport.run(t.code, uploader, at, fp, rowsFp, 0).lastInsertRowid);
              summary.imports++;
            }
            const v = villages[vi]!;
            const postingId = Number(insPosting.run(v.code, t.code, v.county, importId, today, ends, at).lastInsertRowid);
            postings.push(postingId);
            summary.postings++;
            // Order within a posting as planChanges(): new, changed, removed.
            for (const kind of ['new', 'changed', 'removed'] as const) {
              for (const q of people) {
                if ((kind === 'new' && join[q] !== round) || (kind === 'changed' && change[q] !== round) || (kind === 'removed' && leave[q] !== round)) continue;
                const name = nameOf(q);
                const masked = maskName(name);
                const amount = kind === 'new' ? amount0[q]! : amount1[q]!;
                if (kind === 'new') {
                  recipientId[q] = Number(insRecipient.run(v.code, t.code, v.county, hashOf(q), masked, surnameOf(name), size[q]!, amount, TYPES[type[q]!]!, today, postingId, at).lastInsertRowid);
                  added++;
                  summary.recipients++;
                } else if (kind === 'changed') {
                  updChanged.run(amount, postingId, at, recipientId[q]!);
                  changed++;
                } else {
                  updRemoved.run(today, postingId, at, recipientId[q]!);
                  removed++;
                }
                insEntry.run(postingId, recipientId[q]!, kind, masked, size[q]!, amount, TYPES[type[q]!]!);
                summary.entries++;
              }
            }
          }
          if (!importId) continue;
          const rows = (activeInTownship.get(t.code) ?? 0) + added - removed;
          activeInTownship.set(t.code, rows);
          setRowCount.run(rows, importId);
          const uploader = staffOf(staff, w.civilAffairs.get(t.county)!, ['intake', 'handler'], r);
          w.audit.append(at, uploader ? { type: 'staff', id: uploader } : { type: 'system' }, 'disclosure.import', { type: 'recipient_import', id: importId }, { township: t.code, rows, postings, added, changed, removed });
        }
      });
    }
  }
  summary.active = [...activeInTownship.values()].reduce((a, b) => a + b, 0);
  return summary;
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
