// Import of a declaration list (CSV/XLSX ≤ 5 MB) into the region the user manages, and the empty
// template. The form is multipart, so its CSRF token travels in the action's query string.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { translate } from '../../i18n/translate.js';
import type { Region } from '../../regions/index.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden } from '../../shared/errors.js';
import { DECL_HEADERS } from '../columns.js';
import { declarationTemplateCsv, type DeclProblem } from '../declaration-file.js';
import { importDeclarations, type DeclImportOutcome } from '../import-service.js';
import * as repo from '../repository.js';
import { managedRegion } from '../scope.js';
import { viewGuard } from './guard.js';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

type FormError = 'no_file' | 'too_large' | 'not_multipart';

export default async function importRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function regionOf(request: FastifyRequest): Promise<Region> {
    const region = await managedRegion(db, request.staff!);
    if (!region) throw forbidden();
    return region;
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, region: Region, extra: { error?: FormError; problems?: DeclProblem[] } = {}, status = 200) {
    const locale = request.locale;
    const problems = (extra.problems ?? []).map((p) => ({
      row: p.row > 0 ? p.row : null,
      column: p.column === 'file' ? null : DECL_HEADERS[p.column],
      message: translate(locale, p.message, p.params ?? {}),
    }));
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'cross-checks/import',
      {
        titleKey: 'crossChecks.import.title',
        csrfToken: reply.generateCsrf(),
        regionName: region.name,
        maxMb: MAX_IMPORT_BYTES / 1048576,
        headers: Object.values(DECL_HEADERS),
        recent: repo.recentImports(db, [request.staff!.unit.id], 10),
        error: extra.error ?? null,
        problems,
        problemCount: problems.length,
      },
      { layout: 'staff', status },
    );
  }

  app.get('/staff/cross-checks/import', viewGuard, async (request, reply) => renderForm(request, reply, await regionOf(request)));

  app.get('/staff/cross-checks/template.csv', viewGuard, async (request, reply) => {
    await regionOf(request);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="declarations-template.csv"; filename*=UTF-8''${encodeURIComponent('近亲属备案名单模板.csv')}`);
    reply.header('Cache-Control', 'no-store');
    return reply.send(declarationTemplateCsv());
  });

  app.post('/staff/cross-checks/import', viewGuard, async (request, reply) => {
    const region = await regionOf(request);
    if (!request.isMultipart()) return renderForm(request, reply, region, { error: 'not_multipart' }, 400);
    const data: MultipartFile | undefined = await request.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 1024 }, throwFileSizeLimit: false });
    if (!data || !data.filename) {
      data?.file.resume();
      return renderForm(request, reply, region, { error: 'no_file' }, 400);
    }
    const bytes = await data.toBuffer();
    if (data.file.truncated) return renderForm(request, reply, region, { error: 'too_large' }, 413);
    const outcome = await importDeclarations(deps, { userId: request.staff!.user.id, unitId: request.staff!.unit.id }, region, bytes);
    if (outcome.kind === 'problems') return renderForm(request, reply, region, { problems: outcome.problems }, 422);
    return renderResult(reply, region, outcome);
  });

  function renderResult(reply: FastifyReply, region: Region, outcome: Exclude<DeclImportOutcome, { kind: 'problems' }>) {
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'cross-checks/import-result',
      {
        titleKey: outcome.kind === 'repeat' ? 'crossChecks.import.repeat_title' : 'crossChecks.import.imported_title',
        regionName: region.name,
        repeat: outcome.kind === 'repeat',
        previousAt: outcome.kind === 'repeat' ? outcome.previous.uploadedAt : (outcome.seenBefore?.uploadedAt ?? null),
        rowCount: outcome.rowCount,
        result: outcome.kind === 'imported' ? outcome : null,
        declarantCount: outcome.kind === 'repeat' ? outcome.declarants : null,
      },
      { layout: 'staff' },
    );
  }
}
