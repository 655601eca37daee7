// Every table of every feature, for drizzle-kit and for the typed database handle.
export * from '../regions/tables.js';
export * from '../units/tables.js';
export * from '../audit/tables.js';
export * from '../sessions/tables.js';
export * from '../evidence/tables.js';
export * from '../reports/tables.js';
export * from '../calendar/tables.js';
export * from '../hotlines/tables.js';
export * from '../users/tables.js';
export * from '../identity-access/tables.js';
export * from '../declarations/tables.js';
export * from '../notifications/tables.js';
export * from '../templates/tables.js';
export * from '../referrals/tables.js';
export * from '../transfers/tables.js';
export * from '../cases/tables.js';
export * from '../disclosure/tables.js';
