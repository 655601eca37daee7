export { copyToPostgres, type CopyOptions, type CopyResult } from './copy.js';
export { CopyError } from './errors.js';
