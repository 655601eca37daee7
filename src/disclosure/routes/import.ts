// Staff import of a township's recipient list (CSV/XLSX ≤ 5 MB) and the empty template. The form is
// multipart, so its CSRF token travels in the action's query string (src/plugins/security.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFields } from '@fastify/multipart';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { MAX_IMPORT_BYTES, readImportUpload, sendTemplateCsv, type UploadError } from '../../shared/spreadsheet-import.js';
import { translate } from '../../i18n/translate.js';
import { findRegions, type Region } from '../../regions/index.js';
import { importableTownships, IMPORT_ROLES } from '../import-scope.js';
import { importRecipientList, type ImportOutcome } from '../import-service.js';
import { recipientTemplateCsv, TEMPLATE_HEADERS, type ImportProblem } from '../recipient-import.js';
import * as repo from '../repository.js';

type FormError = UploadError | 'no_township';

function fieldValue(fields: MultipartFields | undefined, name: string): string | undefined {
  const part = fields?.[name];
  const one = Array.isArray(part) ? part[0] : part;
  return one && one.type === 'field' && typeof one.value === 'string' ? one.value : undefined;
}

export default async function importRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  const guard = { preHandler: requireStaff(...IMPORT_ROLES) };

  async function townshipsOf(request: FastifyRequest): Promise<Region[]> {
    const townships = await importableTownships(db, request.staff!);
    if (townships.length === 0) throw forbidden();
    return townships;
  }

  async function renderForm(request: FastifyRequest, reply: FastifyReply, townships: Region[], extra: { error?: FormError; problems?: ImportProblem[]; township?: string } = {}, status = 200) {
    const locale = request.locale;
    const names = new Map(townships.map((t) => [t.code, t.name]));
    const recent = (await repo.recentImports(db, townships.map((t) => t.code), 10)).map((i) => ({ ...i, townshipName: names.get(i.townshipCode) ?? i.townshipCode }));
    const problems = (extra.problems ?? []).map((p) => ({
      row: p.row > 0 ? p.row : null,
      column: p.column === 'file' ? null : TEMPLATE_HEADERS[p.column],
      message: translate(locale, p.message, p.params ?? {}),
    }));
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'disclosure/import',
      {
        titleKey: 'disclosure.staff.import_title',
        csrfToken: reply.generateCsrf(),
        townships: townships.map((t) => ({ code: t.code, name: t.name, selected: t.code === extra.township })),
        chooseTownship: townships.length > 1,
        postingDays: deps.config.postingDays,
        maxMb: MAX_IMPORT_BYTES / 1048576,
        recent,
        error: extra.error ?? null,
        problems,
        problemCount: problems.length,
      },
      { layout: 'staff', status },
    );
  }

  app.get('/staff/disclosure/import', guard, async (request, reply) => renderForm(request, reply, await townshipsOf(request)));

  app.get('/staff/disclosure/template.csv', guard, async (request, reply) => {
    await townshipsOf(request);
    return sendTemplateCsv(reply, recipientTemplateCsv(), 'recipients-template.csv', '保障对象名单模板.csv');
  });

  app.post('/staff/disclosure/import', guard, async (request, reply) => {
    const townships = await townshipsOf(request);
    const chosenIn = (fields: MultipartFields | undefined) => fieldValue(fields, 'township') ?? (townships.length === 1 ? townships[0]!.code : undefined);
    // The township field comes before the file input in the form, so it is checked before the file is read.
    const upload = await readImportUpload(request, (fields) => {
      // A township outside the user's reach is answered as one that does not exist.
      const chosen = chosenIn(fields);
      if (chosen !== undefined && !townships.some((t) => t.code === chosen)) throw notFound();
    });
    const chosen = chosenIn(upload.fields);
    if (!upload.ok) return renderForm(request, reply, townships, { error: upload.error, township: chosen }, upload.status);
    const township = townships.find((t) => t.code === chosen);
    if (!township) return renderForm(request, reply, townships, { error: 'no_township' }, 400);

    const outcome = await importRecipientList(deps, { type: 'staff', id: request.staff!.user.id }, township.code, upload.bytes);
    if (outcome.kind === 'problems') return renderForm(request, reply, townships, { problems: outcome.problems, township: township.code }, 422);
    return renderResult(reply, township, outcome);
  });

  async function renderResult(reply: FastifyReply, township: Region, outcome: Exclude<ImportOutcome, { kind: 'problems' }>) {
    let villages: { name: string; href: string; added: number; changed: number; removed: number }[] = [];
    let unchanged: string[] = [];
    if (outcome.kind === 'imported') {
      const names = new Map((await findRegions(db, [...outcome.villages.map((v) => v.villageCode), ...outcome.unchangedVillages])).map((r) => [r.code, r.name]));
      villages = outcome.villages.map((v) => ({ name: names.get(v.villageCode) ?? v.villageCode, href: `/disclosure/villages/${v.villageCode}`, added: v.added, changed: v.changed, removed: v.removed }));
      unchanged = outcome.unchangedVillages.map((c) => names.get(c) ?? c);
    }
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'disclosure/import-result',
      {
        titleKey: outcome.kind === 'repeat' ? 'disclosure.staff.repeat_title' : 'disclosure.staff.imported_title',
        township,
        repeat: outcome.kind === 'repeat',
        previousAt: outcome.kind === 'repeat' ? outcome.previous.uploadedAt : (outcome.seenBefore?.uploadedAt ?? null),
        rowCount: outcome.rowCount,
        villages,
        unchanged: unchanged.join('、'),
        startsOn: outcome.kind === 'imported' ? outcome.startsOn : null,
        endsOn: outcome.kind === 'imported' ? outcome.endsOn : null,
      },
      { layout: 'staff' },
    );
  }
}
