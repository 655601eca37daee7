// Display preferences (language, care mode) set by plain links (DESIGN.md §6: the one door other code uses).
export { default as preferenceRoutes } from './routes.js';
