import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import listRoutes from './routes/list.js';
import submissionRoutes from './routes/submission.js';
import rollupRoutes from './routes/rollup.js';
import exportRoutes from './routes/export.js';
import statisticalTableRoutes from './routes/statistical-table.js';

export { tasksForYear, periodOf, submitterLevel } from './catalog.js';
export { createTasksForYear, figuresFor, stateOf } from './service.js';
export { rollUp, rate, formatRate, type Statistics, type Counts } from './statistics.js';
export { liveStatistics } from './live-statistics.js';
export { remindLateSubmissions } from './remind.js';

/** Reporting up the hierarchy: tasks, submissions, roll-ups, print and Word export (issue 7). */
export async function reportingRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(listRoutes, opts);
  await app.register(rollupRoutes, opts);
  await app.register(exportRoutes, opts);
  await app.register(statisticalTableRoutes, opts);
  await app.register(submissionRoutes, opts);
}
export { hasStatistics, type Section } from './catalog.js';
export { findTaskByKey, submissionOf, insertSubmission } from './repository.js';
