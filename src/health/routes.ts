import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { pingDatabase } from './repository.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'error';
  /** Free space of DATA_DIR. */
  diskFreeMb: number | null;
  /** Free space of the shared evidence store, when SUNSHINE_EVIDENCE_DIR is set (null: not readable). */
  evidenceDiskFreeMb?: number | null;
  /** Both have at least the configured free space. */
  diskOk: boolean;
}

async function freeMb(dir: string): Promise<number | null> {
  try {
    const stats = await fs.promises.statfs(dir);
    return Math.floor((stats.bavail * stats.bsize) / (1024 * 1024));
  } catch {
    return null;
  }
}

/** Database answers a query, and the data directory (and the shared evidence store) has at least the configured free space. */
export async function checkHealth(app: FastifyInstance, config: Config): Promise<HealthReport> {
  let database: HealthReport['database'] = 'ok';
  try {
    await pingDatabase(app.db);
  } catch {
    database = 'error';
  }
  const enough = (mb: number | null) => mb !== null && mb >= config.minFreeDiskMb;
  const diskFreeMb = await freeMb(config.dataDir);
  // Several nodes keep evidence on a shared mount: full or lost, it refuses every upload of this node.
  const evidence = config.evidenceDir ? { evidenceDiskFreeMb: await freeMb(config.evidenceDir) } : {};
  const diskOk = enough(diskFreeMb) && (evidence.evidenceDiskFreeMb === undefined || enough(evidence.evidenceDiskFreeMb));
  return { status: database === 'ok' && diskOk ? 'ok' : 'degraded', database, diskFreeMb, ...evidence, diskOk };
}

export default async function healthRoutes(app: FastifyInstance, opts: { config: Config }) {
  app.get('/healthz', async (_request, reply) => {
    const report = await checkHealth(app, opts.config);
    reply.header('Cache-Control', 'no-store');
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
}
