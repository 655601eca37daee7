// Registers a partner system of the exchange API, lists them (no secrets), disables or enables one,
// or gives one a new secret:
//
//   npm run exchange:partner -- --key jl-12345 --name 吉林省12345热线 --scope ca:220000 [--scope …]
//                               [--webhook https://partner.example/sunshine/events] [--rate 120]
//                               [--uploads 4] [--public-key partner-ed25519.pem]
//   npm run exchange:partner -- --list
//   npm run exchange:partner -- --disable jl-12345      (or --enable jl-12345)
//   npm run exchange:partner -- --rotate jl-12345 [--public-key new-ed25519.pem]
//
// The partner's secret is printed once (it signs the partner's requests, and our webhooks to it);
// only its sealed form is stored. Every change is audited. Exit codes: 0 done; 1 refused or failed;
// 2 usage or configuration.
import fs from 'node:fs';
import { commandLine, consoleIo, existingPortal, operatorPath, runIfMain, type CliIo } from '../cli/io.js';
import { closeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { prepareDatabase } from '../install.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';
import { record } from '../audit/index.js';
import { createPartner, DEFAULT_UPLOADS_AT_ONCE, MAX_UPLOADS_AT_ONCE, PartnerInputError, rotatePartnerSecret, setPartnerDisabled } from './partners.js';
import { listPartners } from './repository.js';

const USAGE = `usage: npm run exchange:partner -- --key KEY --name NAME --scope UNIT_KEY [--scope UNIT_KEY …] [--webhook URL] [--rate N] [--uploads N] [--public-key PEM_FILE]
       npm run exchange:partner -- --list
       npm run exchange:partner -- --disable KEY | --enable KEY
       npm run exchange:partner -- --rotate KEY [--public-key PEM_FILE]

  --key         what the partner sends in X-Sunshine-Partner (a-z 0-9 _ -, 2–40 characters)
  --name        the partner system's name, e.g. 吉林省12345热线
  --scope       a unit key (ca:220102 …): work orders handled by it or the units it supervises; repeatable
  --webhook     where status events are posted (none: the partner reads the status itself)
  --rate        requests per minute (default 120)
  --uploads     work-order uploads it may have in flight at once, across all app nodes (default ${DEFAULT_UPLOADS_AT_ONCE}); one more is answered 429
  --public-key  an Ed25519 public key (PEM) that signs the partner's requests instead of the secret
  --disable     refuse the partner's requests from now on (403 partner_disabled) and send it no webhooks;
                its status events wait and go out in order after --enable
  --enable      take the partner's requests and send its webhooks again
  --rotate      a new secret, printed once; the old secret (and, with --public-key, the old key) is
                refused from the next request on, without overlap: give the partner the new one first`;

/** The one action a command line asks for; null when it names none or more than one. */
function actionOf(values: { list?: boolean; disable?: string; enable?: string; rotate?: string; key?: string }): 'list' | 'disable' | 'enable' | 'rotate' | 'create' | null {
  const asked = (['list', 'disable', 'enable', 'rotate'] as const).filter((a) => values[a] !== undefined && values[a] !== false);
  if (asked.length > 1) return null;
  return asked[0] ?? 'create';
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const values = commandLine(
    argv,
    {
      key: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      webhook: { type: 'string' },
      rate: { type: 'string' },
      'public-key': { type: 'string' },
      uploads: { type: 'string' },
      list: { type: 'boolean' },
      disable: { type: 'string' },
      enable: { type: 'string' },
      rotate: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const action = actionOf(values);
  if (!action || (action === 'create' && (!values.key || !values.name || !values.scope?.length))) {
    io.err(USAGE);
    return 2;
  }
  const rate = values.rate === undefined ? 120 : Number(values.rate);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) {
    io.err('--rate: a whole number of requests per minute, 1 to 100000');
    return 2;
  }
  const uploads = values.uploads === undefined ? DEFAULT_UPLOADS_AT_ONCE : Number(values.uploads);
  if (!Number.isInteger(uploads) || uploads < 1 || uploads > MAX_UPLOADS_AT_ONCE) {
    io.err(`--uploads: a whole number of uploads at once, 1 to ${MAX_UPLOADS_AT_ONCE}`);
    return 2;
  }
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const keys = deriveKeys(loadMasterKey(portal.config));
  const db = await openConfiguredDatabase(portal.config);
  try {
    // A portal not started since the exchange came gets its tables here.
    await prepareDatabase(db);
    if (action === 'list') {
      for (const p of await listPartners(db)) io.out(`${p.key}\t${p.name}\tscopes ${JSON.parse(p.scopes).join(',')}\twebhook ${p.webhookUrl ?? '-'}\t${p.requestsPerMinute}/min\t${p.uploadsAtOnce} uploads at once${p.publicKey ? '\ted25519' : ''}${p.disabledAt ? '\tdisabled' : ''}`);
      return 0;
    }
    const publicKey = values['public-key'] ? fs.readFileSync(operatorPath(env, values['public-key']), 'utf8') : null;
    if (action === 'disable' || action === 'enable') {
      const partner = await setPartnerDisabled(db, keys, (values.disable ?? values.enable)!, action === 'disable');
      await record(db, keys['audit-mac'], { actor: { type: 'system' }, action: `exchange.partner.${action}`, object: { type: 'exchange_partner', id: partner.id }, detail: { key: partner.key } });
      io.out(action === 'disable' ? `partner ${partner.key} disabled: its requests are refused (403 partner_disabled) and no webhook goes to it` : `partner ${partner.key} enabled: its requests are taken and its waiting status events go out`);
      return 0;
    }
    if (action === 'rotate') {
      const { partner, secret } = await rotatePartnerSecret(db, keys, values.rotate!, publicKey ?? undefined);
      await record(db, keys['audit-mac'], { actor: { type: 'system' }, action: 'exchange.partner.rotate', object: { type: 'exchange_partner', id: partner.id }, detail: { key: partner.key, publicKey: publicKey !== null } });
      io.out(`partner ${partner.key}: new secret${publicKey ? ' and public key' : ''}; the old ${publicKey ? 'ones are' : 'one is'} refused from now on`);
      io.out(`secret (shown once; give it to the partner over a safe channel): ${secret}`);
      return 0;
    }
    const { partner, secret } = await createPartner(db, keys, { key: values.key!, name: values.name!, scopes: values.scope!, webhookUrl: values.webhook ?? null, publicKey, requestsPerMinute: rate, uploadsAtOnce: uploads });
    await record(db, keys['audit-mac'], { actor: { type: 'system' }, action: 'exchange.partner.create', object: { type: 'exchange_partner', id: partner.id }, detail: { key: partner.key, scopes: partner.scopes, webhook: partner.webhookUrl !== null, publicKey: publicKey !== null, uploadsAtOnce: partner.uploadsAtOnce } });
    io.out(`partner ${partner.key} created (${partner.name}), scopes ${partner.scopes.join(', ')}`);
    io.out(`secret (shown once; give it to the partner over a safe channel): ${secret}`);
    return 0;
  } catch (err) {
    io.err(err instanceof PartnerInputError ? `Refused: ${err.message}` : `Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
