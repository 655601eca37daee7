import type { FastifyInstance } from 'fastify';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { publicCache: true } }, async (_request, reply) => reply.page('home/index', { titleKey: 'home.title', descriptionKey: 'home.description' }));
}
