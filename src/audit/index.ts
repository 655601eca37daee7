export { record, verifyChain, type Actor, type AuditRecord, type LiveChainBreak } from './service.js';
export { entriesFor, latestEntry, listArchives, auditPage, type ArchiveRow, type AuditFilter } from './repository.js';
export { trackStaffTerminals, noteStaffTerminal } from './terminal.js';
export { ARCHIVE_DIR_NAME, archiveDue, archiveDir, archiveWithCheckpoints, ArchiveRefused, type ArchiveCheckpoint, type ArchiveOptions } from './archive.js';
export { verifyAuditTrail, type AuditVerification, type ArchiveProblem } from './verify.js';
export { liveLogStream, archiveFile } from './export.js';
export { auditEntryCount } from './repository.js';
export { entryFromRow, firstBrokenEntry, GENESIS_MAC, type StoredEntry } from './chain.js';
