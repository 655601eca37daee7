// Which terminal a staff entry came from (等保 8.1.4.3: who, when, from where). A per-request store
// is opened when the request arrives; the auth plugin fills it once it knows the request is a
// staff user's, and record() reads it for staff entries only. Reporters' requests never fill it,
// and reporter or system entries never read it (DESIGN.md §4: no reporter address is stored).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface TerminalStore {
  terminal: string | null;
}

const storage = new AsyncLocalStorage<TerminalStore>();
const kStore = Symbol('auditTerminalStore');
type WithStore = FastifyRequest & { [kStore]?: TerminalStore };

/** User agents are client-chosen text: keep enough to tell browsers apart, not a payload. */
export const UA_MAX = 200;

/**
 * Opens the store for every request. Callback-style hooks, so everything after runs inside run().
 * Body parsing resumes from the socket's stream events, outside the store, so preValidation (the
 * first hook after parsing) enters the same store again.
 */
export function trackStaffTerminals(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const store: TerminalStore = { terminal: null };
    (request as WithStore)[kStore] = store;
    storage.run(store, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const store = (request as WithStore)[kStore];
    if (store) storage.run(store, done);
    else done();
  });
}

/** Called by the auth plugin once `request.staff` is set: the request is a signed-in staff user's. */
export function noteStaffTerminal(request: FastifyRequest): void {
  const store = (request as WithStore)[kStore];
  if (!store) return;
  const ua = request.headers['user-agent'];
  store.terminal = JSON.stringify({ ip: request.ip, ua: typeof ua === 'string' ? ua.slice(0, UA_MAX) : '' });
}

/** The terminal of the staff request running now, or null outside one (scheduler, tools, reporters). */
export function currentStaffTerminal(): string | null {
  return storage.getStore()?.terminal ?? null;
}
