// The home page and favicon (DESIGN.md §6: the one door other code uses).
export { default as homeRoutes, FAVICON } from './routes.js';
