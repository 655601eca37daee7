// The search index's SQL lives in repository.ts (issue 17: only a repository holds SQL). This file
// stays so the features that still import it by this path keep working until they use index.ts.
export * from './repository.js';
