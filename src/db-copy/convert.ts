// SQLite's values in PostgreSQL's types (issue 21; src/db/schema.ts says what maps to what): a moment
// stored as integer milliseconds becomes a timestamptz, a 0/1 flag a boolean, a blob a bytea; the
// rest passes as it is. A value that does not fit its column stops the copy with the table, column
// and rowid, rather than being stored as something else.
import { CopyError } from './errors.js';

export type Convert = (value: unknown) => unknown;

function fail(where: string, value: unknown, type: string): never {
  throw new CopyError(1, `${where}: ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} does not fit ${type}`);
}

/** The conversion of one column's values, by the target column's type; `where` names it in an error. */
export function converterFor(type: string, where: () => string): Convert {
  switch (type) {
    case 'timestamp with time zone':
      return (v) => {
        if (v === null) return null;
        if (typeof v === 'number' && Number.isSafeInteger(v)) return new Date(v).toISOString();
        return fail(where(), v, type);
      };
    case 'boolean':
      return (v) => {
        if (v === null) return null;
        if (v === 0 || v === 1) return v === 1;
        return fail(where(), v, type);
      };
    case 'bytea':
      return (v) => {
        if (v === null || Buffer.isBuffer(v)) return v;
        // SQLite's dynamic typing lets text into a blob column; keep its bytes.
        if (typeof v === 'string') return Buffer.from(v, 'utf8');
        return fail(where(), v, type);
      };
    case 'integer':
    case 'bigint':
    case 'smallint':
      return (v) => {
        if (v === null || (typeof v === 'number' && Number.isSafeInteger(v))) return v;
        if (typeof v === 'bigint') return String(v);
        return fail(where(), v, type);
      };
    case 'text':
      return (v) => {
        if (v === null) return null;
        // PostgreSQL's text holds no NUL character; SQLite's does.
        if (typeof v === 'string') return v.includes('\u0000') ? fail(where(), v, type) : v;
        if (typeof v === 'number') return String(v);
        return fail(where(), v, type);
      };
    default:
      return (v) => v;
  }
}
