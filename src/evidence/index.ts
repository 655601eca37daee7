export { logFfmpegChoice } from './media/ffmpeg.js';
export { storageDirs, decryptFromStore, eraseStored, sweepStorage, orphanGraceMs, readAll, fsyncDir, isStoredName, storedSizeMatches, type StorageDirs, type SweepResult } from './storage.js';
export { isDiskFull, hasFreeSpace } from './disk.js';
export { readUploadForm, discardFiles, watchUploadPace, type CleanFile, type FileProblem, type DropReason, type ParsedForm, type UploadLimits, type UploadPace } from './upload.js';
export { encryptUploads, forgetUploads, linkUploads, originalName, fileNote, sweepOrphanFiles, type EncryptedUpload } from './service.js';
export { evidenceOf, findEvidence, allStoredNames, evidenceCount, ownersWithLiveFiles, liveEvidenceOf, markEvidenceErased, setForReferral, type EvidenceFile } from './repository.js';
export { ACCEPT_ATTRIBUTE, NOT_CLEANABLE_LABELS } from './media/formats.js';
export { sendDownload, type DownloadableFile } from './download.js';
export { rotateEvidenceBatch, evidenceRotationRemaining, removeReplacedFiles, type EvidenceRotationBatch, type EvidenceRotationRemaining } from './key-rotation.js';
