import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { reportingTasks, reportingSubmissions } from './tables.js';

/** Reporting up the hierarchy: tasks, submissions, roll-ups, print and Word export (issue 7). */
export async function reportingRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
