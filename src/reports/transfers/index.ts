import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import transferRoutesPlugin from './routes.js';

export * as transferService from './service.js';

export async function transferRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(transferRoutesPlugin, opts);
}
