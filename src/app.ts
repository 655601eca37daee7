// Builds the Fastify application from a validated Config; never listens (src/server.ts does).
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import keysPlugin from './plugins/keys.js';
import countersPlugin from './plugins/counters.js';
import dbPlugin from './plugins/db.js';
import securityPlugin from './plugins/security.js';
import preferencesPlugin from './plugins/preferences.js';
import viewsPlugin from './plugins/views.js';
import errorsPlugin from './plugins/errors.js';
import { sessionPlugin } from './sessions/index.js';
import mailPlugin from './plugins/mail.js';
import authPlugin from './plugins/auth.js';
import schedulerPlugin from './plugins/scheduler.js';
import { userRoutes } from './users/index.js';
import { caseNumbersOf, caseworkRoutes } from './reports/index.js';
import { identityAccessRoutes } from './identity-access/index.js';
import { declarationRoutes } from './declarations/index.js';
import { templateRoutes } from './templates/index.js';
import { noticeRoutes } from './notifications/index.js';
import { adminRoutes } from './admin/index.js';
import publicCachePlugin from './plugins/public-cache.js';
import { sm2PublicKeyRoutes } from './shared/crypto/index.js';
import { registerChainKeys } from './audit/index.js';
import staffPageCachePlugin from './plugins/staff-page-cache.js';
import { disclosureRoutes } from './disclosure/index.js';
import { caseRoutes } from './cases/index.js';
import { ledgerRoutes } from './ledger/index.js';
import { statsRoutes } from './stats/index.js';
import { policyRoutes } from './policy/index.js';
import { referralRoutes } from './reports/index.js';
import { transferRoutes } from './reports/index.js';
import { documentRoutes } from './reports/index.js';
import { spotCheckRoutes } from './spot-checks/index.js';
import { reportingRoutes } from './reporting/index.js';
import { crossCheckRoutes } from './cross-checks/index.js';
import { siteSearchRoutes } from './site-search/index.js';
import { allStoredNames, orphanGraceMs, storageDirs, sweepStorage } from './evidence/index.js';
import { useRules } from './clocks/index.js';
import { reportRoutes } from './reports/index.js';
import { privacyRoutes } from './privacy/index.js';
import { registerDemoRibbon } from './installation/index.js';
import { hotlineRoutes } from './hotlines/index.js';
import type { Deps } from './shared/deps.js';
import { parseQueryFirstValue } from './shared/query-string.js';
import { fastifyTrustProxy } from './shared/trust-proxy.js';
import { preferenceRoutes } from './preferences/index.js';
import { healthRoutes } from './health/index.js';
import { homeRoutes } from './home/index.js';
import { exchangeRoutes } from './exchange/index.js';

export const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

/** Logs name the route, never the client: no IP, port, user agent or query string (DESIGN.md §4). */
export function loggerOptions(config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * One log line per request, when it is answered, instead of Fastify's two (a log write is a system
 * call on every request, bench/findings.md). The line names the route through the `req` serializer.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export interface BuildOptions {
  /** Where logs go (tests read them); stdout by default. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // The province's stricter periods, if any, for every deadline computed from here on.
  useRules(config.clockRules);
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    // A hop count becomes a function: Fastify alone trusts no hop for a number (src/shared/trust-proxy.ts).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 1024 * 1024,
    routerOptions: { querystringParser: parseQueryFirstValue },
    logController: new OneLinePerRequest(),
    // Slow clients (issue 16): a whole request, body included, within requestTimeout; a socket idle
    // for several upload idle periods is closed (uploads are watched more closely, reports/routes/upload-gate.ts).
    requestTimeout: config.abuse.requestTimeoutSeconds * 1000,
    connectionTimeout: Math.max(60, 4 * config.abuse.uploadIdleSeconds) * 1000,
    // Fastify gives each plugin 10 s to start; on PostgreSQL the db plugin waits its turn while another
    // node migrates and installs the reference data (src/db/connection.ts, preparingAlone), which on a
    // new or much-changed database takes longer. A node that gave up there would not start at all.
    pluginTimeout: 10 * 60 * 1000,
  });
  app.decorate('config', config);

  await app.register(keysPlugin, { config });
  // The audit chain writes its signed link entry itself at a switch of crypto profile (issue 23).
  registerChainKeys(app.keys);
  await app.register(dbPlugin, { config });
  await app.register(securityPlugin);
  await app.register(formbody);
  // The rate limits' counters: in Redis when several nodes share them (REDIS_URL), in memory otherwise.
  await app.register(countersPlugin, { config });
  await app.register(multipart, { limits: { fileSize: config.upload.maxFileBytes, files: config.upload.maxFiles, fields: 60 }, throwFileSizeLimit: false });
  await app.register(sessionPlugin);
  await app.register(mailPlugin, { config });
  await app.register(preferencesPlugin, { config });
  await app.register(viewsPlugin, { config });
  await app.register(errorsPlugin);
  app.addPageContext(() => ({ site: config.site }));
  // The upload limits, named in every message about a refused file (views/partials/file-problem.hbs).
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  const uploadLimits = { maxFiles: config.upload.maxFiles, maxFileMb: mb(config.upload.maxFileBytes), maxTotalMb: mb(config.upload.maxReportBytes), maxFileBytes: config.upload.maxFileBytes };
  app.addPageContext(() => ({ uploadLimits }));
  registerDemoRibbon(app, app.db);
  await app.register(authPlugin, { config });
  await app.register(publicCachePlugin, { maxBytes: config.publicCacheMb * 1024 * 1024 });
  await app.register(staffPageCachePlugin, { maxBytes: config.staffCacheMb * 1024 * 1024 });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: config.production ? '1d' : 0 });

  // Nothing of this node is in flight at start: its temporary files and the stored files its journal
  // names without a row are remains of submissions that died before their commit. Other nodes may be
  // uploading into a shared store meanwhile: their files without a row are left alone until older
  // than the grace (src/evidence/storage.ts).
  const dirs = storageDirs(config.dataDir, config.evidenceDir);
  const namesReadAt = Date.now();
  const storedNames = await allStoredNames(app.db);
  const swept = sweepStorage(dirs, (name) => storedNames.has(name), { graceMs: orphanGraceMs(config.abuse.requestTimeoutSeconds), namesReadAt });
  if (swept.temp + swept.own + swept.orphans > 0) app.log.warn(swept, 'removed leftover upload files');
  else if (swept.young > 0) app.log.info(swept, 'left recent stored files without a row for a later start: perhaps uploads in flight on another node');
  const deps: Deps = { db: app.db, keys: app.keys, dirs, mailer: app.mailer, config, publicCache: app.publicCache };
  app.decorate('deps', deps);

  await app.register(preferenceRoutes, { config });
  await app.register(healthRoutes, { config });
  await app.register(homeRoutes);
  // The key that verifies what the portal signs (referral packets, audit archives): issue 23.
  await app.register(sm2PublicKeyRoutes, { seed: app.keys['manifest-signing'] });
  await app.register(reportRoutes, { deps });
  await app.register(privacyRoutes, { deps });
  await app.register(hotlineRoutes, { deps });
  await app.register(userRoutes, { deps });
  await app.register(caseworkRoutes, { deps });
  await app.register(identityAccessRoutes, { deps });
  await app.register(declarationRoutes, { deps });
  await app.register(templateRoutes, { deps });
  // Reports write the notices; their case numbers come back through this resolver (no import cycle).
  await app.register(noticeRoutes, { deps, caseNumbers: caseNumbersOf });
  await app.register(adminRoutes, { deps });
  await app.register(disclosureRoutes, { deps });
  await app.register(caseRoutes, { deps });
  await app.register(ledgerRoutes, { deps });
  await app.register(statsRoutes, { deps });
  await app.register(policyRoutes, { deps });
  await app.register(referralRoutes, { deps });
  await app.register(transferRoutes, { deps });
  await app.register(documentRoutes, { deps });
  await app.register(spotCheckRoutes, { deps });
  await app.register(reportingRoutes, { deps });
  await app.register(crossCheckRoutes, { deps });
  await app.register(siteSearchRoutes, { deps });
  // The exchange API for 12345 / 信访 partner systems (/api/v1), its OpenAPI document and its webhook sweep (issue 24).
  await app.register(exchangeRoutes, { deps });
  await app.register(schedulerPlugin);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    deps: Deps;
  }
}
