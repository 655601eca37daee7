// The door of the exchange feature (issue 24): the API for partner systems, its OpenAPI document,
// the dead-letter page and the webhook sweep.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import apiRoutes from './routes/api.js';
import deadLetterRoutes from './routes/dead-letters.js';
import exchangeFileRoutes from './file/routes.js';
import { openApiDocument } from './openapi.js';
import { runExchangeSweep } from './webhooks.js';

export { runExchangeSweep, queueStatusEvents, deliverDue, retryDelay, MAX_ATTEMPTS, type Send } from './webhooks.js';
export { createPartner, partnerByKey, PartnerInputError, secretFromText, setPartnerDisabled, rotatePartnerSecret, resealPartnerSecrets, partnerSecretsToReseal, DEFAULT_UPLOADS_AT_ONCE, type Partner, type NewPartner } from './partners.js';
export { signRequest, signWebhook, webhookMatches, sha256Hex, canonicalRequest, SIGNATURE_HEADERS, EMPTY_SHA256 } from './signature.js';
export { openApiDocument } from './openapi.js';

/** Webhooks should not wait a whole deadline-sweep period: the exchange sweep runs at least once a minute. */
const LONGEST_SWEEP_SECONDS = 60;

export async function exchangeRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  // The staff header links a page only for those its route lets in (the same rules as the routes').
  app.addPageContext((request) => {
    const staff = request.staff;
    if (!staff || staff.unit.kind !== 'civil_affairs') return {};
    return {
      ...(staff.roles.includes('lead') || staff.roles.includes('supervisor') ? { mayExchangeFiles: true } : {}),
      ...(staff.roles.includes('system_admin') && staff.unit.supervisorId === null ? { mayReadDeadLetters: true } : {}),
    };
  });
  await app.register(apiRoutes, opts);
  await app.register(deadLetterRoutes, opts);
  await app.register(exchangeFileRoutes, opts);
  app.get('/api/openapi.json', async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=300');
    return openApiDocument(deps.config.baseUrl);
  });

  // The same switch as the deadline sweep (SUNSHINE_SCHEDULER_SECONDS, 0 = off: tests call the sweep).
  const seconds = Math.min(deps.config.schedulerSeconds, LONGEST_SWEEP_SECONDS);
  if (seconds <= 0) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runExchangeSweep(deps);
      if (result.delivered + result.failed + result.dead > 0) app.log.info(result, 'exchange sweep');
    } catch (err) {
      app.log.error({ err }, 'exchange sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), seconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
