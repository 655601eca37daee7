// The full-text search index: the one door other features use (DESIGN.md §6).
export * from './catalog.js';
export * from './repository.js';
export { indexTokens, queryTerms, queryTokens, MAX_INDEX_CHARS, MAX_QUERY_CHARS, MAX_QUERY_TERMS, MAX_WORD_CHARS, type QueryTerm } from './tokenize.js';
