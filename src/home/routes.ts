import type { FastifyInstance } from 'fastify';

/** The site's icon; every layout links it (`<link rel="icon">`). */
export const FAVICON = '/static/favicon.svg';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { publicCache: true } }, async (_request, reply) => reply.page('home/index', { titleKey: 'home.title', descriptionKey: 'home.description' }));

  // Browsers and tools still ask for /favicon.ico where no page names an icon (a JSON answer, a
  // file opened in the browser, a feed reader): send them to the one icon (shown wherever SVG icons
  // are read) rather than log a 404 for each.
  app.get('/favicon.ico', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=86400').redirect(FAVICON, 301));
}
