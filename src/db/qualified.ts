// A caller's column inside a correlated sub-select (the query-building functions other features'
// repositories use, e.g. regionNameOf in src/regions/repository.ts). Drizzle writes a column of a
// one-table query's select list without its table ("region_code"), and inside a sub-select over
// another table such a bare name means that table's column when it has one of that name: the
// fragment would silently compare the inner table with itself. So the column is always written
// with its table (or alias) name.
import { Column, getTableName, is, sql, type SQLWrapper } from 'drizzle-orm';

/** `column` as "table"."column" when it is a drizzle column; anything else (sql`i.region_code`) as given. */
export function qualified(column: SQLWrapper): SQLWrapper {
  if (!is(column, Column)) return column;
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
