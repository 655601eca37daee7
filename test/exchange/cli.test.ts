// npm run exchange:partner: registers a partner, prints its secret once (stored only sealed), lists
// partners without secrets, refuses an unknown scope unit; disables, enables and rotates a partner,
// each audited (what the API then does is test/exchange/partner-admin.test.ts).
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/exchange/cli.js';
import { partnerByKey } from '../../src/exchange/index.js';
import { deriveKeys } from '../../src/plugins/keys.js';
import { entriesFor } from '../../src/audit/index.js';
import { capture, dataDir } from '../cli/helpers.js';
import { cliPortal, type CliPortal } from '../cli/portal-database.js';

const KEY = Buffer.alloc(32, 7);
const dir = dataDir();
let portal: CliPortal;

afterAll(async () => {
  await portal?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run exchange:partner', () => {
  it('creates a partner whose printed secret is the one stored sealed', async () => {
    portal = await cliPortal(dir, KEY);
    const io = capture();
    expect(await main(['--key', 'jl-12345', '--name', '吉林省12345热线', '--scope', 'ca:220000', '--webhook', 'https://partner.invalid/events'], portal.env, io)).toBe(0);
    const secret = /secret \(shown once[^:]*\): (\S+)/.exec(io.text())?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const partner = (await partnerByKey(portal.db, deriveKeys(KEY), 'jl-12345'))!;
    expect(partner.secret.toString('utf8')).toBe(secret);
    expect(partner.scopes).toEqual(['ca:220000']);

    const list = capture();
    expect(await main(['--list'], portal.env, list)).toBe(0);
    expect(list.text()).toContain('jl-12345');
    expect(list.text()).not.toContain(secret!);

    const refused = capture();
    expect(await main(['--key', 'other', '--name', 'x', '--scope', 'ca:999999'], portal.env, refused)).toBe(1);
    expect(refused.text()).toContain('no unit ca:999999');
    expect(await main(['--key', 'jl-12345', '--name', 'again', '--scope', 'ca:220000'], portal.env, capture())).toBe(1);
    expect(await main(['--name', 'no key'], portal.env, capture())).toBe(2);
  });

  it('disables, enables and rotates a partner, printing the new secret once, each audited', async () => {
    const keys = deriveKeys(KEY);
    const before = (await partnerByKey(portal.db, keys, 'jl-12345'))!;
    const disabled = capture();
    expect(await main(['--disable', 'jl-12345'], portal.env, disabled)).toBe(0);
    expect(disabled.text()).toContain('disabled');
    expect((await partnerByKey(portal.db, keys, 'jl-12345'))!.disabled).toBe(true);
    const list = capture();
    expect(await main(['--list'], portal.env, list)).toBe(0);
    expect(list.text()).toMatch(/jl-12345.*\tdisabled/);
    expect(await main(['--enable', 'jl-12345'], portal.env, capture())).toBe(0);
    expect((await partnerByKey(portal.db, keys, 'jl-12345'))!.disabled).toBe(false);

    const rotated = capture();
    expect(await main(['--rotate', 'jl-12345'], portal.env, rotated)).toBe(0);
    const secret = /secret \(shown once[^:]*\): (\S+)/.exec(rotated.text())?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toBe(before.secret.toString('utf8'));
    expect((await partnerByKey(portal.db, keys, 'jl-12345'))!.secret.toString('utf8')).toBe(secret);

    const actions = (await entriesFor(portal.db, 'exchange_partner', String(before.id))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['exchange.partner.create', 'exchange.partner.disable', 'exchange.partner.enable', 'exchange.partner.rotate']));
    // Refused: an unknown partner, two actions at once.
    const unknown = capture();
    expect(await main(['--disable', 'nobody'], portal.env, unknown)).toBe(1);
    expect(unknown.text()).toContain('no partner nobody');
    expect(await main(['--disable', 'jl-12345', '--rotate', 'jl-12345'], portal.env, capture())).toBe(2);
    expect(await main(['--key', 'x2', '--name', 'x', '--scope', 'ca:220000', '--uploads', '0'], portal.env, capture())).toBe(2);
  });
});
