import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { pingDatabase } from './repository.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'error';
  diskFreeMb: number | null;
  diskOk: boolean;
}

/** Database answers a query, and the data directory has at least the configured free space. */
export async function checkHealth(app: FastifyInstance, config: Config): Promise<HealthReport> {
  let database: HealthReport['database'] = 'ok';
  try {
    await pingDatabase(app.db);
  } catch {
    database = 'error';
  }
  let diskFreeMb: number | null = null;
  try {
    const stats = await fs.promises.statfs(config.dataDir);
    diskFreeMb = Math.floor((stats.bavail * stats.bsize) / (1024 * 1024));
  } catch {
    diskFreeMb = null;
  }
  const diskOk = diskFreeMb !== null && diskFreeMb >= config.minFreeDiskMb;
  return { status: database === 'ok' && diskOk ? 'ok' : 'degraded', database, diskFreeMb, diskOk };
}

export default async function healthRoutes(app: FastifyInstance, opts: { config: Config }) {
  app.get('/healthz', async (_request, reply) => {
    const report = await checkHealth(app, opts.config);
    reply.header('Cache-Control', 'no-store');
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
}
