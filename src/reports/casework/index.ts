import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import inboxRoutes from './routes/inbox.js';
import reportRoutes from './routes/report.js';
import logReportRoutes from './routes/log-report.js';

export { scopeOf, visibleReport, visibleReportByCaseNo, visibleReportIds } from './scope.js';
export { relationOf, kindsOf, isOpenReferral, isOpenTransfer, NO_RELATION, type Relation, type RelationKind } from './relation.js';
export { REPORT_ACTIONS, allows, authorize, mayActOnReferral, type Action as ReportActionName } from './permissions.js';
export { isRecused, conflictPairs } from './recusal.js';
export * as workflow from './workflow.js';
export * as supervision from './supervision.js';
export { onRectificationStarted, answerRectificationItems, type NewRectificationItem, type RectificationItem, type RectificationContext } from './rectification.js';
export { listInbox, dashboardCounts } from './inbox.js';
export { notifyAssignee } from './notify.js';

export async function caseworkRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(inboxRoutes, opts);
  await app.register(logReportRoutes, opts);
  await app.register(reportRoutes, opts);
}
export { runDeadlineSweep } from './scheduler.js';
