// Import of a declaration list (CSV/XLSX ≤ 5 MB) into the region the user manages, and the empty
// template. The form is multipart, so its CSRF token travels in the action's query string.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../../i18n/translate.js';
import type { Region } from '../../regions/index.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden } from '../../shared/errors.js';
import { MAX_IMPORT_BYTES, readImportUpload, sendTemplateCsv, type UploadError } from '../../shared/spreadsheet-import.js';
import { DECL_HEADERS } from '../columns.js';
import { declarationTemplateCsv, type DeclProblem } from '../declaration-file.js';
import { importDeclarations, type DeclImportOutcome } from '../import-service.js';
import * as repo from '../repository.js';
import { managedRegion } from '../scope.js';
import { viewGuard } from './guard.js';

export default async function importRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function regionOf(request: FastifyRequest): Promise<Region> {
    const region = await managedRegion(db, request.staff!);
    if (!region) throw forbidden();
    return region;
  }

  async function renderForm(request: FastifyRequest, reply: FastifyReply, region: Region, extra: { error?: UploadError; problems?: DeclProblem[] } = {}, status = 200) {
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
        recent: await repo.recentImports(db, [request.staff!.unit.id], 10),
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
    return sendTemplateCsv(reply, declarationTemplateCsv(), 'declarations-template.csv', '近亲属备案名单模板.csv');
  });

  app.post('/staff/cross-checks/import', viewGuard, async (request, reply) => {
    const region = await regionOf(request);
    const upload = await readImportUpload(request);
    if (!upload.ok) return renderForm(request, reply, region, { error: upload.error }, upload.status);
    const outcome = await importDeclarations(deps, { userId: request.staff!.user.id, unitId: request.staff!.unit.id }, region, upload.bytes);
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
