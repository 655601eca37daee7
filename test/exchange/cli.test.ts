// npm run exchange:partner: registers a partner, prints its secret once (stored only sealed), lists
// partners without secrets, refuses an unknown scope unit.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/exchange/cli.js';
import { partnerByKey } from '../../src/exchange/index.js';
import { deriveKeys } from '../../src/plugins/keys.js';
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
});
