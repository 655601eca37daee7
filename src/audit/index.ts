export { record, verifyChain, type Actor, type AuditRecord } from './service.js';
export { entriesFor, latestEntry } from './repository.js';
export { auditLog } from './tables.js';
