// Server-side sessions: the store and the Fastify plugin that installs it (DESIGN.md §6: the one
// door other code uses).
export { default as sessionPlugin } from './plugin.js';
export { SqliteSessionStore } from './store.js';
