// A CommonJS package loaded at its first use rather than at start: for a package that only some
// deployments (the SM crypto profile) or a rare page (a policy explainer) need, so that its weight
// does not sit in the memory of every node that never uses it. Synchronous, unlike import(), for
// callers that are.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
