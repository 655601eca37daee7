// Key rotation (issue 23 part B): `npm run keys:rotate` (src/cli/keys-rotate.ts). Owns no table:
// every value is rotated by the feature that owns it, through its index (kinds.ts).
export { rotateKeys, rotationRemaining, DEFAULT_BATCH, type KindProgress, type RotationOptions } from './rotate.js';
export { ROTATION_KINDS, type RotationKind, type RotationDeps } from './kinds.js';
