// The full-text index's statements, on the engine this process runs on (issue 21): FTS5 tables on
// SQLite, tsvector tables on PostgreSQL. Both modules export the same functions.
import { onPostgres } from '../db/engine.js';
import * as onSqliteEngine from './sqlite-repository.js';
import * as onPostgresEngine from './postgres-repository.js';

const engine: typeof onSqliteEngine = onPostgres ? onPostgresEngine : onSqliteEngine;

export const { indexDocument, indexNewDocuments, removeDocument, removeAllDocuments, countDocuments, searchIds, matchesSearch, recentMatchFloor, indexedBefore, matchesSearchPerRow } = engine;
