// Which database engine this process runs on: PostgreSQL when DATABASE_URL names one, otherwise the
// embedded SQLite file in DATA_DIR (issue 21). Read from the environment here, not from the Config,
// because the table definitions (src/db/schema.ts) are built when their modules are imported, before
// any Config exists; src/config.ts validates the same variable and refuses a URL of another scheme.
export type DatabaseEngine = 'sqlite' | 'postgres';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(url: string | undefined | null): boolean {
  return !!url && POSTGRES_URL.test(url);
}

const chosen: DatabaseEngine = isPostgresUrl(process.env.DATABASE_URL) ? 'postgres' : 'sqlite';

export function databaseEngine(): DatabaseEngine {
  return chosen;
}

export const onPostgres = chosen === 'postgres';
