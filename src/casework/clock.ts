// The clock rules of a report now live in src/clocks/report.ts (one clock engine, issue 18); this
// module keeps the old import path working for its callers.
export { assignmentObjectionDue, clockOf, dueFrom, maxExtensionDays, ruleFor, type ClockView } from '../clocks/report.js';
