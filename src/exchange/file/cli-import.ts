// Imports an exchange file (CSV, XLSX or JSON; docs/exchange-format.md), all or nothing:
//
//   npm run exchange:import -- --file items.csv [--unit ca:220102]
//
// Every row is checked first; with any problem nothing is written and the problems are printed by
// row (exit 1). --unit limits the items to those handled by that unit or the units it supervises.
// Exit codes: 0 imported (or nothing to change); 1 problems in the file, or failed; 2 usage or configuration.
import fs from 'node:fs';
import { commandLine, consoleIo, operatorPath, runIfMain, type CliIo } from '../../cli/io.js';
import { translate } from '../../i18n/translate.js';
import { withPortal, unitScope } from './cli-portal.js';
import { importExchangeFile } from './import.js';
import { MAX_FILE_BYTES } from './read-file.js';

const USAGE = `usage: npm run exchange:import -- --file FILE [--unit UNIT_KEY]

  --file  the exchange file (CSV, XLSX or JSON, at most ${MAX_FILE_BYTES / 1048576} MB)
  --unit  refuse items not handled by this unit (ca:220102 …) or the units it supervises (default: any unit)`;

const OPTIONS = { file: { type: 'string' }, unit: { type: 'string' } } as const;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const values = commandLine(argv, OPTIONS, USAGE, io);
  if (typeof values === 'number') return values;
  if (!values.file) {
    io.err(USAGE);
    return 2;
  }
  const file = operatorPath(env, values.file);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    io.err(`${file}: no such file`);
    return 2;
  }
  if (size > MAX_FILE_BYTES) {
    io.err(`${file}: larger than ${MAX_FILE_BYTES / 1048576} MB; split it. Nothing imported.`);
    return 1;
  }
  return withPortal(env, io, async (deps) => {
    const unitIds = await unitScope(deps, values.unit, io);
    if (unitIds === undefined) return 2;
    const outcome = await importExchangeFile(deps, { staffId: null, unitIds }, fs.readFileSync(file));
    const locale = deps.config.defaultLocale;
    if (!outcome.ok) {
      io.err(`${outcome.problems.length} problems; nothing imported:`);
      for (const p of outcome.problems) io.err(`  ${p.row > 0 ? `row ${p.row}` : 'file'}${p.column ? ` ${p.column}` : ''}: ${translate(locale, `exchange.file.errors.${p.message}`, p.params ?? {})}`);
      return 1;
    }
    io.out(`${outcome.items} items (${outcome.format}): ${outcome.created} filed, ${outcome.updated} with new steps, ${outcome.unchanged} unchanged`);
    return 0;
  });
}

await runIfMain(import.meta.url, main);
