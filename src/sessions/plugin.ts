import fp from 'fastify-plugin';
import session from '@fastify/session';
import { SqliteSessionStore } from './store.js';

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** A reporter following one report (reports/track). */
    track?: { reportId: number; lastSeen: number };
    /**
     * What a reporter typed when the tracking session had gone idle (reports/routes/track.ts): sealed,
     * tied to that report, given back only after that report's code is entered again.
     */
    keptDraft?: { reportId: number; sealed: string; at: number };
    /** The kept draft, after the same report's code was entered: shown once on its page. */
    restoreDraft?: { reportId: number; sealed: string; at: number };
    /** A signed-in staff user. */
    staff?: { userId: number; lastSeen: number; since: number; mfaPending?: boolean; enrolling?: boolean };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    sessionStore: SqliteSessionStore;
  }
}

/**
 * Server-side sessions for staff and for a reporter following one report. Nothing is stored for a
 * visitor until a session is used (saveUninitialized: false), so public pages stay cookie-free.
 */
export default fp(
  async (app) => {
    const store = new SqliteSessionStore(app.db);
    await store.sweep();
    app.decorate('sessionStore', store);
    await app.register(session, {
      secret: app.keys.session.toString('base64'),
      cookieName: 'sid',
      store,
      saveUninitialized: false,
      // Idle limits are enforced on the server from lastSeen; re-sending the cookie on every
      // response would rewrite the session row on every request.
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: 12 * 3600_000 },
    });
  },
  { name: 'session', dependencies: ['db', 'keys', 'security'] },
);
