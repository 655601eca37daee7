export { default as siteSearchRoutes } from './routes.js';
