// A posted form with errors ties each inline message to its control: the message has an id, exactly
// one element names it in aria-describedby, and that element is marked aria-invalid unless it is the
// fieldset of a group of radios or checkboxes. Screen-reader users then hear the message on focus.
// Likewise a field's hint that has an id is named in aria-describedby, before the error if there is one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';

interface Tie {
  /** The id of the inline message. */
  id: string;
  /** The element that names it in aria-describedby. */
  tag: string;
}

/**
 * Every `class="field-error"` element of `html`, checked: it has an id, the id is unique, exactly one
 * element lists it in aria-describedby, and that element has aria-invalid="true" unless it is a
 * fieldset. Every id named by any aria-describedby on the page exists. Returns what was found.
 */
function checkErrorsTied(html: string): Tie[] {
  const { tags, attr, pageIds, describing } = parse(html);
  for (const d of describing) for (const ref of d.refs) expect(pageIds, `aria-describedby names a missing id "${ref}"`).toContain(ref);

  const errors = tags.filter((t) => /\sclass="field-error"/.test(t.attrs));
  expect(errors.length, 'no inline error on the page').toBeGreaterThan(0);
  return errors.map((e) => {
    const id = attr(e.attrs, 'id');
    expect(id, `an inline error without an id: <${e.name}${e.attrs}>`).toBeDefined();
    expect(pageIds.filter((x) => x === id), `id "${id}" is not unique`).toHaveLength(1);
    const owners = describing.filter((d) => d.refs.includes(id!));
    expect(owners, `elements whose aria-describedby names "${id}"`).toHaveLength(1);
    const owner = owners[0]!;
    if (owner.name === 'fieldset') expect(owner.attrs, `fieldset described by "${id}"`).not.toContain('aria-invalid');
    else expect(attr(owner.attrs, 'aria-invalid'), `<${owner.name}> described by "${id}"`).toBe('true');
    return { id: id!, tag: owner.name };
  });
}

/** The opening tags of `html`, their ids, and the elements that have an aria-describedby with the ids it names. */
function parse(html: string) {
  const tags = [...html.matchAll(/<([a-z][a-z0-9]*)(\s[^>]*)?>/g)].map((m) => ({ name: m[1]!, attrs: m[2] ?? '' }));
  const attr = (attrs: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1];
  const pageIds = tags.map((t) => attr(t.attrs, 'id')).filter((id): id is string => id !== undefined);
  const describing = tags.flatMap((t) => {
    const list = attr(t.attrs, 'aria-describedby');
    return list === undefined ? [] : [{ ...t, refs: list.split(/\s+/).filter(Boolean) }];
  });
  return { tags, attr, pageIds, describing };
}

/**
 * Every element of `html` with the class `hint` and an id, checked: the id is unique and at least one
 * aria-describedby names it, before any `…-error` id in the same list. Hints without an id (those of a
 * whole form or section) are skipped. Returns the ids of the tied hints, in page order.
 */
function checkHintsTied(html: string): string[] {
  const { tags, attr, pageIds, describing } = parse(html);
  const hints = tags.filter((t) => (attr(t.attrs, 'class') ?? '').split(/\s+/).includes('hint') && attr(t.attrs, 'id') !== undefined);
  return hints.map((h) => {
    const id = attr(h.attrs, 'id')!;
    expect(pageIds.filter((x) => x === id), `id "${id}" is not unique`).toHaveLength(1);
    const owners = describing.filter((d) => d.refs.includes(id));
    expect(owners.length, `no aria-describedby names the hint "${id}"`).toBeGreaterThan(0);
    for (const o of owners) {
      const firstError = o.refs.findIndex((r) => r.endsWith('-error'));
      if (firstError >= 0) expect(o.refs.indexOf(id), `hint "${id}" after the error in <${o.name}${o.attrs}>`).toBeLessThan(firstError);
    }
    return id;
  });
}

let t: TestApp;
let admin: Session, lead: Session, declarant: Session;

beforeAll(async () => {
  t = await makeApp();
  admin = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['system_admin']));
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']));
  declarant = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
});
afterAll(() => t.close());

describe('inline form errors are tied to their controls', () => {
  it('the checker rejects an untied message and accepts a tied one', () => {
    expect(() => checkErrorsTied('<p class="field-error">x</p><input id="a">')).toThrow();
    expect(() => checkErrorsTied('<p class="field-error" id="a-error">x</p><input id="a" aria-describedby="a-error">')).toThrow();
    expect(() => checkErrorsTied('<p class="field-error" id="a-error">x</p><input aria-describedby="a-error" aria-invalid="true"><input aria-describedby="a-error" aria-invalid="true">')).toThrow();
    expect(checkErrorsTied('<fieldset aria-describedby="g-error"><p class="field-error" id="g-error">x</p></fieldset><span id="h"></span><input id="a" aria-describedby="h a-error" aria-invalid="true"><p class="field-error" id="a-error">y</p>')).toEqual([
      { id: 'g-error', tag: 'fieldset' },
      { id: 'a-error', tag: 'input' },
    ]);
  });

  it('the hint checker rejects an unnamed or late hint and accepts tied ones', () => {
    expect(() => checkHintsTied('<span class="hint" id="a-hint">x</span><input id="a">')).toThrow();
    expect(() => checkHintsTied('<span class="hint" id="a-hint">x</span><input id="a" aria-describedby="a-error a-hint"><p class="field-error" id="a-error">y</p>')).toThrow();
    expect(() => checkHintsTied('<span class="hint" id="a-hint">x</span><span class="hint" id="a-hint">y</span><input id="a" aria-describedby="a-hint">')).toThrow();
    expect(checkHintsTied('<p class="hint">about the form</p><fieldset aria-describedby="g-hint"><span class="hint" id="g-hint">x</span></fieldset><p class="js-x hint" id="a-hint">y</p><input id="a" aria-describedby="a-hint a-error"><p class="field-error" id="a-error">z</p>')).toEqual(['g-hint', 'a-hint']);
  });

  it.each([
    ['the citizen report form', null, '/report', ['place_other-hint', 'description-hint', 'happened_at-hint', 'evidence-hint', 'evidence-slow-hint']],
    ['the staff account form', 'admin', '/staff/admin/users/new', ['username-hint', 'home-village-hint', 'mailLocale-hint']],
    ['the ledger item form', 'lead', '/staff/ledger/new', ['f-person-hint']],
    ['the reply template form', 'lead', '/staff/templates/new', ['title-hint', 'body-hint']],
    ['the hotline list', 'lead', '/staff/hotlines', ['new-phone-hint', 'new-hours-hint']],
    ['the profile, with a described village picker', 'declarant', '/staff/profile', ['mail-locale-hint', 'home_village-hint', 'id_number-hint']],
  ] as [string, 'admin' | 'lead' | 'declarant' | null, string, string[]][])('without errors, the field hints of %s are named in aria-describedby', async (_label, who, url, expected) => {
    const session = who === null ? null : { admin, lead, declarant }[who];
    const res = session === null ? await t.app.inject({ url }) : await session.get(url);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('aria-invalid');
    expect(checkHintsTied(res.body)).toEqual(expect.arrayContaining(expected));
  });

  it('on the citizen report form', async () => {
    const form = await openForm(t.app, '/report');
    const fields = reportFields({ category: '', description: '', county: '999999', identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: 'call me', reporter_email: 'nope' });
    const body = await multipart({ ...fields, submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.78' });
    expect(res.statusCode).toBe(400);
    const ties = checkErrorsTied(res.body);
    checkHintsTied(res.body);
    expect(ties).toEqual(expect.arrayContaining([
      { id: 'category-error', tag: 'fieldset' },
      { id: 'county-error', tag: 'select' },
      { id: 'description-error', tag: 'textarea' },
      { id: 'reporter_phone-error', tag: 'input' },
      { id: 'reporter_email-error', tag: 'input' },
    ]));
    expect(res.body).toContain('<textarea id="description" name="description" rows="8" maxlength="5000" aria-describedby="description-hint description-error" aria-invalid="true">');
  });

  it('on the staff account form, keeping the hints', async () => {
    const res = await admin.post('/staff/admin/users', { username: 'Bad Name!', display_name: '', unit_id: '999999', email: 'not-an-address', home_village: '220102001', mail_locale: 'fr' }, '/staff/admin/users/new');
    expect(res.statusCode).toBe(400);
    const ties = checkErrorsTied(res.body);
    checkHintsTied(res.body);
    expect(ties).toEqual(expect.arrayContaining([
      { id: 'username-error', tag: 'input' },
      { id: 'display_name-error', tag: 'input' },
      { id: 'unit_id-error', tag: 'select' },
      { id: 'email-error', tag: 'input' },
      { id: 'home_village-error', tag: 'input' },
      { id: 'mailLocale-error', tag: 'select' },
    ]));
    expect(res.body).toContain('aria-describedby="username-hint username-error"');
    expect(res.body).toContain('aria-describedby="home-village-hint home_village-error" aria-invalid="true"');
    // Without errors, nothing is added.
    const fresh = await admin.get('/staff/admin/users/new');
    expect(fresh.body).not.toContain('aria-invalid');
    expect(fresh.body).toContain('aria-describedby="home-village-hint">');
    checkHintsTied(fresh.body);
  });

  it('on the ledger item form', async () => {
    const res = await lead.post('/staff/ledger/new', { problem: '', measures: '', unit_id: '', person: '', deadline: '2020-01-01' }, '/staff/ledger/new');
    expect(res.statusCode).toBe(400);
    const ties = checkErrorsTied(res.body);
    checkHintsTied(res.body);
    expect(ties).toEqual(expect.arrayContaining([
      { id: 'f-source-error', tag: 'fieldset' },
      { id: 'f-problem-error', tag: 'textarea' },
      { id: 'f-unit_id-error', tag: 'select' },
      { id: 'f-measures-error', tag: 'textarea' },
      { id: 'f-deadline-error', tag: 'input' },
    ]));
  });

  it('on the declaration form of the profile, where the village picker is a described fieldset', async () => {
    const res = await declarant.post('/staff/profile/declaration', { position: '', id_number: '123' }, '/staff/profile');
    expect(res.statusCode).toBe(400);
    const ties = checkErrorsTied(res.body);
    checkHintsTied(res.body);
    expect(ties).toEqual(expect.arrayContaining([
      { id: 'home_village-error', tag: 'fieldset' },
      { id: 'position-error', tag: 'select' },
      { id: 'id_number-error', tag: 'input' },
    ]));
  });

  it.each([
    ['a reply template', 'ca:220102', ['lead'], '/staff/templates', '/staff/templates/new', { scope: 'unit', category: 'nonsense', title: ' ', body: '' }, ['category-error', 'title-error', 'body-error']],
    ['a new hotline', 'ca:220102', ['lead'], '/staff/hotlines', '/staff/hotlines', { unit_id: '', phone: 'call me', duty_hours: '', note: '' }, ['new-phone-error']],
    ['a policy page', 'ca:220000', ['lead'], '/staff/policy/new', '/staff/policy/new', { slug: 'Bad Slug!', title: '临', body: '短' }, ['policy-slug-error', 'policy-title-error']],
    ['a calendar override', 'ca:220000', ['system_admin'], '/staff/admin/calendar/overrides', '/staff/admin/calendar', { date: '2027-02-30', kind: 'day-off', note: '' }, ['date-error', 'kind-error']],
    ['a declared calendar year', 'ca:220000', ['system_admin'], '/staff/admin/calendar/years', '/staff/admin/calendar', { year: '20x7' }, ['year-error']],
    ['a spot-check round', 'ca:220100', ['supervisor'], '/staff/spot-checks/new', '/staff/spot-checks/new', { name: '', count: '3', random_count: '4', region: '220202' }, ['f-name-error', 'f-random_count-error', 'f-region-error']],
    ['a non-user declarant', 'ca:220102', ['handler', 'intake'], '/staff/cross-checks/declarants', '/staff/cross-checks/declarants/new', { name: '', position: '', id_number: '1' }, ['d-name-error', 'd-position-error', 'd-id_number-error', 'home_village-error']],
  ] as [string, string, Role[], string, string, Record<string, string>, string[]][])('on the form of %s', async (_label, unitKey, roles, url, page, fields, expected) => {
    const session = await signIn(t.app, await createStaff(t.app, unitKey, roles));
    const res = await session.post(url, fields, page);
    expect(res.statusCode).toBe(400);
    const ids = checkErrorsTied(res.body).map((tie) => tie.id);
    checkHintsTied(res.body);
    expect(ids).toEqual(expect.arrayContaining(expected));
  });
});
