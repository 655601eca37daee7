// Retention schedule (issue 15): what is deleted when, run by the scheduler. See service.ts.
export { runRetentionSweep, retentionInForce, yearsBefore, type SweepResult, type SessionSweeper, type RetentionDeps } from './service.js';
