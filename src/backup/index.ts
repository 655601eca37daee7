export { createBackup, type BackupOptions, type BackupResult } from './create.js';
export { restoreBackup, type RestoreOptions, type RestoreResult } from './restore.js';
export { BackupError, keyFingerprint, parseMasterKey } from './files.js';
export { fileCounts, readManifest, MANIFEST_NAME, type Manifest } from './manifest.js';
