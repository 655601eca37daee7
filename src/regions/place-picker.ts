// A village picked with four selects (prefecture → county → township → village) that works
// without JavaScript: a "show the next level" button posts the form back and the page re-renders
// with the next select filled. Used by the profile declaration and the bureau's non-user
// declarants, whose markup is views/regions/partials/place.hbs (`{{> regions/place picker=…
// legendKey=… hintKey=…}}`), and by the report forms (public and staff-logged), which keep their own
// markup with an "other place" choice (src/reports/form-view.ts, views/reports/form.hbs).
import type { Executor } from '../db/executor.js';
import { ancestorsOf, childrenOf, findRegion, regionsAtLevel, type Region } from './repository.js';

export const PLACE_LEVELS = ['prefecture', 'county', 'township', 'village'] as const;
export type PlaceLevel = (typeof PLACE_LEVELS)[number];
export type PlaceValues = Partial<Record<PlaceLevel, string>>;

const CODE = /^\d{6,12}$/;

/** The four select values of a form whose fields are named `<prefix>_<level>`; anything else is dropped. */
export function placeValues(body: Record<string, unknown>, prefix: string): PlaceValues {
  const values: PlaceValues = {};
  for (const level of PLACE_LEVELS) {
    const v = body[`${prefix}_${level}`];
    if (typeof v === 'string' && CODE.test(v)) values[level] = v;
  }
  return values;
}

/**
 * Whether the form was posted by the picker's "show the next level" button (`action=refresh_place`):
 * the page is shown again with the next select filled, and nothing is saved.
 */
export function isPlaceRefresh(body: Record<string, unknown>): boolean {
  return body.action === 'refresh_place';
}

/** The select values that show a stored village (its chain of ancestors). */
export async function placeOfVillage(db: Executor, villageCode: string | null | undefined): Promise<PlaceValues> {
  if (!villageCode) return {};
  const values: PlaceValues = {};
  for (const region of await ancestorsOf(db, villageCode)) {
    if ((PLACE_LEVELS as readonly string[]).includes(region.level)) values[region.level as PlaceLevel] = region.code;
  }
  return values;
}

/** The levels above a village only (for a relative's default: the declarant's township, village not chosen). */
export function withoutVillage(values: PlaceValues): PlaceValues {
  const { village: _village, ...rest } = values;
  return rest;
}

function options(rows: Region[], selected: string | undefined) {
  return rows.map((r) => ({ value: r.code, label: r.name, selected: r.code === selected }));
}

/** What views/regions/partials/place.hbs needs: each level's options, filled as far as chosen. */
export async function placePicker(db: Executor, prefix: string, values: PlaceValues, error?: string) {
  const prefectures = await regionsAtLevel(db, 'prefecture');
  const counties = values.prefecture && prefectures.some((p) => p.code === values.prefecture) ? await childrenOf(db, values.prefecture) : [];
  const townships = values.county && counties.some((c) => c.code === values.county) ? await childrenOf(db, values.county) : [];
  const villages = values.township && townships.some((t) => t.code === values.township) ? await childrenOf(db, values.township) : [];
  return {
    prefix,
    error,
    prefectures: options(prefectures, values.prefecture),
    counties: options(counties, values.county),
    townships: options(townships, values.township),
    villages: options(villages, values.village),
  };
}

export type PlacePicker = Awaited<ReturnType<typeof placePicker>>;

export type VillageCheck = { ok: true; code: string } | { ok: false; reason: 'required' | 'invalid' };

/**
 * The chosen village, checked: a region of level village whose ancestors are the prefecture,
 * county and township posted with it (a village left over from an earlier township is refused, so
 * a changed upper select without a refresh cannot record the wrong place).
 */
export async function checkVillage(db: Executor, values: PlaceValues): Promise<VillageCheck> {
  if (!values.village) return { ok: false, reason: 'required' };
  const village = await findRegion(db, values.village);
  if (!village || village.level !== 'village') return { ok: false, reason: 'invalid' };
  const chain = await placeOfVillage(db, village.code);
  for (const level of ['prefecture', 'county', 'township'] as const) {
    if (values[level] && values[level] !== chain[level]) return { ok: false, reason: 'invalid' };
  }
  return { ok: true, code: village.code };
}
