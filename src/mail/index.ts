// Mail texts (DESIGN.md §6: the one door other code uses; the transport is src/plugins/mail.ts).
export * from './templates.js';
