// Re-seals what was written under one crypto profile into the other (issue 23 part B): reporters'
// identities, staff TOTP secrets, exchange partners' secrets, evidence files with their names and
// notes. Runs beside a live portal, in small batches; stopped or killed, a rerun carries on where
// the old values still are.
//
//   SUNSHINE_CRYPTO=sm npm run keys:rotate -- --to sm [--batch 200] [--pause 50] [--status]
//
// Operator sequence (README "Key rotation"): set SUNSHINE_CRYPTO=sm on every node and restart them,
// so that nothing new is written under intl; then run this with the same setting.
//
// Exit codes: 0 everything is in the target profile; 1 something is left (failures, values still
// written under the old profile, or interrupted); 2 refused (configuration, --to not the profile the
// portal is configured with, no database or key).
import { consoleIo, commandLine, existingPortal, runIfMain, type CliIo } from './io.js';
import { linkChainToProfile, record } from '../audit/index.js';
import { closeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { storageDirs } from '../evidence/index.js';
import { DEFAULT_BATCH, rotateKeys, rotationRemaining, type KindProgress } from '../key-rotation/index.js';
import { deriveKeys, loadMasterKey } from '../plugins/keys.js';
import { CRYPTO_PROFILES, parseCryptoProfile, useCryptoProfile, type CryptoProfileName } from '../shared/crypto/index.js';

const USAGE = `usage: npm run keys:rotate -- --to sm|intl [--batch N] [--pause MS] [--status]
  --to      the profile to re-seal into; must be the one SUNSHINE_CRYPTO names (as on the portal's nodes)
  --batch   rows per transaction (default ${DEFAULT_BATCH})
  --pause   milliseconds between batches, leaving the database to the portal (default 0)
  --status  only count what is still to re-seal`;

function line(p: KindProgress, finished: boolean): string {
  const failed = p.failed.length ? `, ${p.failed.length} failed` : '';
  return `${p.kind}: ${finished ? 'finished, ' : ''}${p.done} done, ${p.remaining} remaining${failed}`;
}

/** While a run scans rows already re-sealed (nothing new to say), a line at most this often, so it is seen to be alive. */
const QUIET_LINE_MS = 10_000;

/**
 * The progress printer: a kind's line when a batch re-sealed or failed something, when the kind is
 * finished, and otherwise at most every QUIET_LINE_MS — not one identical line per batch of rows
 * already in the target profile (most of a province's evidence table after the switch).
 */
export function progressPrinter(io: CliIo, now: () => number = Date.now): (p: KindProgress, finished: boolean) => void {
  let kind = '';
  let counted = '';
  let at = 0;
  return (p, finished) => {
    // A kind starts at 0 done and 0 failed, said or not; its clock starts with it.
    if (p.kind !== kind) [kind, counted, at] = [p.kind, '0/0', now()];
    const count = `${p.done}/${p.failed.length}`;
    if (!finished && count === counted && now() - at < QUIET_LINE_MS) return;
    io.out(line(p, finished));
    [counted, at] = [count, now()];
  };
}

function positive(raw: string | undefined, fallback: number, zeroOk: boolean): number | null {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return /^\d+$/.test(raw) && (zeroOk || n > 0) ? n : null;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const args = commandLine(argv, { to: { type: 'string' }, batch: { type: 'string' }, pause: { type: 'string' }, status: { type: 'boolean' } }, USAGE, io);
  if (typeof args === 'number') return args;
  const batch = positive(args.batch, DEFAULT_BATCH, false);
  const pauseMs = positive(args.pause, 0, true);
  if (!args.to || !(CRYPTO_PROFILES as readonly string[]).includes(args.to) || batch === null || pauseMs === null) {
    io.err(`--to sm|intl is required; --batch and --pause take whole numbers.\n${USAGE}`);
    return 2;
  }
  const to = args.to as CryptoProfileName;
  let configured: CryptoProfileName;
  try {
    configured = parseCryptoProfile(env.SUNSHINE_CRYPTO);
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
  // A forgotten SUNSHINE_CRYPTO (intl by default) must not turn an SM site's values back into intl.
  if (configured !== to) {
    io.err(`--to ${to} but SUNSHINE_CRYPTO is ${configured}: set SUNSHINE_CRYPTO=${to} here and on every node (and restart them) first.`);
    return 2;
  }
  const portal = existingPortal(env, io);
  if (!portal) return 2;
  const { config } = portal;
  const previous = useCryptoProfile(to);
  const db = await openConfiguredDatabase(config);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const deps = { db, keys: deriveKeys(loadMasterKey(config), to), dirs: storageDirs(config.dataDir, config.evidenceDir) };
    if (args.status) {
      const left = await rotationRemaining(deps, to);
      for (const k of left) io.out(`${k.kind}: ${k.remaining} remaining`);
      return left.every((k) => k.remaining === 0) ? 0 : 1;
    }
    io.out(`re-sealing into ${to} (${portal.dbFile})`);
    if (await linkChainToProfile(db, deps.keys)) io.out(`audit chain: signed link entry written, the chain continues under ${to}`);
    const results = await rotateKeys(deps, { to, batch, pauseMs, signal: controller.signal, onProgress: progressPrinter(io) });
    for (const p of results) for (const f of p.failed.slice(0, 20)) io.out(`  ${p.kind} #${f.id}: ${f.reason}`);
    const left = results.some((p) => p.remaining > 0 || p.failed.length > 0);
    // On the record, like every change an operator makes: what was re-sealed and what is left.
    const detail = { kinds: results.map((p) => ({ kind: p.kind, done: p.done, remaining: p.remaining, failed: p.failed.map((f) => f.id) })) };
    const result = controller.signal.aborted ? 'interrupted' : left ? 'incomplete' : 'ok';
    await record(db, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'keys.rotated', object: { type: 'crypto_profile', id: to }, result, detail });
    if (controller.signal.aborted) {
      io.out('interrupted: run keys:rotate again to carry on');
      return 1;
    }
    io.out(left ? 'not everything is re-sealed: see the lines above (values still written under the old profile mean a node still runs it)' : `every value is in ${to}`);
    return left ? 1 : 0;
  } catch (err) {
    io.err(`keys:rotate FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    useCryptoProfile(previous);
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
