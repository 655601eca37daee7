// Builds the Fastify application from a validated Config; never listens (src/server.ts does).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import keysPlugin from './plugins/keys.js';
import dbPlugin from './plugins/db.js';
import securityPlugin from './plugins/security.js';
import preferencesPlugin from './plugins/preferences.js';
import viewsPlugin from './plugins/views.js';
import errorsPlugin from './plugins/errors.js';
import preferenceRoutes from './preferences/routes.js';
import healthRoutes from './health/routes.js';
import homeRoutes from './home/routes.js';

export const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

/** Logs name the route, never the client: no IP, port, user agent or query string (DESIGN.md §4). */
export function loggerOptions(config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export interface BuildOptions {
  /** Where logs go (tests read them); stdout by default. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    // Fastify accepts a hop count too, though its types omit it.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    bodyLimit: 1024 * 1024,
  });
  app.decorate('config', config);

  await app.register(keysPlugin, { config });
  await app.register(dbPlugin, { config });
  await app.register(securityPlugin);
  await app.register(formbody);
  await app.register(preferencesPlugin, { config });
  await app.register(viewsPlugin, { config });
  await app.register(errorsPlugin);
  app.addPageContext(() => ({ site: config.site }));
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: config.production ? '1d' : 0 });

  await app.register(preferenceRoutes, { config });
  await app.register(healthRoutes, { config });
  await app.register(homeRoutes);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}
