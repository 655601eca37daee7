// Registers a partner system of the exchange API, or lists them (no secrets):
//
//   npm run exchange:partner -- --key jl-12345 --name 吉林省12345热线 --scope ca:220000 [--scope …]
//                               [--webhook https://partner.example/sunshine/events] [--rate 120]
//                               [--public-key partner-ed25519.pem]
//   npm run exchange:partner -- --list
//
// The partner's secret is printed once (it signs the partner's requests, and our webhooks to it);
// only its sealed form is stored. Exit codes: 0 done; 1 refused or failed; 2 usage or configuration.
import fs from 'node:fs';
import { commandLine, consoleIo, existingPortal, runIfMain, type CliIo } from '../cli/io.js';
import { closeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { prepareDatabase } from '../install.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';
import { record } from '../audit/index.js';
import { createPartner, PartnerInputError } from './partners.js';
import { listPartners } from './repository.js';

const USAGE = `usage: npm run exchange:partner -- --key KEY --name NAME --scope UNIT_KEY [--scope UNIT_KEY …] [--webhook URL] [--rate N] [--public-key PEM_FILE]
       npm run exchange:partner -- --list

  --key         what the partner sends in X-Sunshine-Partner (a-z 0-9 _ -, 2–40 characters)
  --name        the partner system's name, e.g. 吉林省12345热线
  --scope       a unit key (ca:220102 …): work orders handled by it or the units it supervises; repeatable
  --webhook     where status events are posted (none: the partner reads the status itself)
  --rate        requests per minute (default 120)
  --public-key  an Ed25519 public key (PEM) that signs the partner's requests instead of the secret`;

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
      list: { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  if (!values.list && (!values.key || !values.name || !values.scope?.length)) {
    io.err(USAGE);
    return 2;
  }
  const rate = values.rate === undefined ? 120 : Number(values.rate);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) {
    io.err('--rate: a whole number of requests per minute, 1 to 100000');
    return 2;
  }
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const keys = deriveKeys(loadMasterKey(portal.config));
  const db = openConfiguredDatabase(portal.config);
  try {
    // A portal not started since the exchange came gets its tables here.
    await prepareDatabase(db);
    if (values.list) {
      for (const p of await listPartners(db)) io.out(`${p.key}\t${p.name}\tscopes ${JSON.parse(p.scopes).join(',')}\twebhook ${p.webhookUrl ?? '-'}\t${p.requestsPerMinute}/min${p.publicKey ? '\ted25519' : ''}${p.disabledAt ? '\tdisabled' : ''}`);
      return 0;
    }
    const publicKey = values['public-key'] ? fs.readFileSync(values['public-key'], 'utf8') : null;
    const { partner, secret } = await createPartner(db, keys, { key: values.key!, name: values.name!, scopes: values.scope!, webhookUrl: values.webhook ?? null, publicKey, requestsPerMinute: rate });
    await record(db, keys['audit-mac'], { actor: { type: 'system' }, action: 'exchange.partner.create', object: { type: 'exchange_partner', id: partner.id }, detail: { key: partner.key, scopes: partner.scopes, webhook: partner.webhookUrl !== null, publicKey: publicKey !== null } });
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
