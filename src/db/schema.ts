// Every table of every feature, for drizzle-kit and for the typed database handle.
export * from '../regions/tables.js';
export * from '../units/tables.js';
