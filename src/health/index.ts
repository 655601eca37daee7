// What the rest of the app may use of the health check: its route and the check itself.
export { default as healthRoutes, checkHealth, type HealthReport } from './routes.js';
