// Writes the items of the portal (or of one unit and those below it) in the exchange file format:
//
//   npm run exchange:export -- --out items.xlsx [--format csv|xlsx|json] [--unit ca:220102]
//                              [--from 2026-11-01] [--to 2026-11-30]
//
// The format follows --out's extension unless given. Receipt dates are China calendar days, both
// included. Exit codes: 0 written; 1 failed; 2 usage or configuration.
import fs from 'node:fs';
import { commandLine, consoleIo, operatorPath, runIfMain, type CliIo } from '../../cli/io.js';
import { record } from '../../audit/index.js';
import { parseDateInput } from '../../shared/date-input.js';
import { withPortal, unitScope } from './cli-portal.js';
import { EXPORT_FORMATS, EXPORT_MAX_ITEMS, exportReportIds, itemBatches, writeExport, type ExportFormat } from './export.js';

const USAGE = `usage: npm run exchange:export -- --out FILE [--format csv|xlsx|json] [--unit UNIT_KEY] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

  --out     the file to write (refused if it exists)
  --format  csv, xlsx or json (default: the extension of --out)
  --unit    only reports handled by this unit (ca:220102 …) or the units it supervises (default: all)
  --from    received on or after this China calendar day
  --to      received on or before this day`;

const OPTIONS = { out: { type: 'string' }, format: { type: 'string' }, unit: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } as const;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const values = commandLine(argv, OPTIONS, USAGE, io);
  if (typeof values === 'number') return values;
  if (!values.out) {
    io.err(USAGE);
    return 2;
  }
  const out = operatorPath(env, values.out);
  const format = (values.format ?? out.split('.').pop() ?? '').toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    io.err(`--format: csv, xlsx or json\n${USAGE}`);
    return 2;
  }
  const from = values.from ? parseDateInput(values.from) : null;
  const to = values.to ? parseDateInput(values.to) : null;
  if ((values.from && !from) || (values.to && !to) || (from && to && from > to)) {
    io.err('--from / --to: China calendar days as 2026-11-01, --from not after --to');
    return 2;
  }
  if (fs.existsSync(out)) {
    io.err(`${out} exists already; nothing written.`);
    return 2;
  }
  return withPortal(env, io, async (deps) => {
    const unitIds = await unitScope(deps, values.unit, io);
    if (unitIds === undefined) return 2;
    const ids = await exportReportIds(deps.db, {
      unitIds,
      from: from ? Date.parse(`${from}T00:00:00+08:00`) : null,
      to: to ? Date.parse(`${to}T00:00:00+08:00`) + 86_400_000 : null,
    });
    if (ids.length > EXPORT_MAX_ITEMS) {
      io.err(`${ids.length} items: more than ${EXPORT_MAX_ITEMS}; narrow --from/--to. Nothing written.`);
      return 1;
    }
    const file = fs.createWriteStream(out, { flags: 'wx', mode: 0o600 });
    const closed = new Promise<void>((resolve, reject) => {
      file.on('close', resolve);
      file.on('error', reject);
    });
    const n = await writeExport(format as ExportFormat, file, itemBatches(deps.db, deps.config, ids));
    await closed;
    await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'exchange.file.export', object: { type: 'exchange_file', id: 0 }, detail: { format, items: n, unit: values.unit ?? null, from, to } });
    io.out(`${n} items written to ${out} (${format})`);
    return 0;
  });
}

await runIfMain(import.meta.url, main);
