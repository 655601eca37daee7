import type { FastifyInstance } from 'fastify';

/**
 * Seeds realistic demo content when the database holds no demo yet; returns what to print
 * (sign-in details, shown once) or null when nothing was seeded. Features add their parts.
 */
export async function seedDemoIfEmpty(_app: FastifyInstance): Promise<string | null> {
  return null;
}
