// What the staff spreadsheet imports (recipient lists, declaration lists) share at the HTTP edge:
// the one uploaded file read into memory under a size limit, and the header-only template download.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFields, MultipartFile } from '@fastify/multipart';

/** A list is a few thousand rows: 5 MB is ample for CSV and XLSX alike. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export type UploadError = 'not_multipart' | 'no_file' | 'too_large';

export type UploadResult =
  | { ok: true; bytes: Buffer; fields: MultipartFields }
  | { ok: false; error: UploadError; status: 400 | 413; fields?: MultipartFields };

/**
 * Reads the form's one file with the fields before it (a browser sends them first). `checkFields`
 * runs before the file is read; when it throws, the file stream is drained so the request can end.
 */
export async function readImportUpload(
  request: FastifyRequest,
  checkFields?: (fields: MultipartFields | undefined) => void | Promise<void>,
): Promise<UploadResult> {
  if (!request.isMultipart()) return { ok: false, error: 'not_multipart', status: 400 };
  const data: MultipartFile | undefined = await request.file({ limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 1024 }, throwFileSizeLimit: false });
  try {
    await checkFields?.(data?.fields);
  } catch (err) {
    data?.file.resume();
    throw err;
  }
  if (!data || !data.filename) {
    data?.file.resume();
    return { ok: false, error: 'no_file', status: 400, fields: data?.fields };
  }
  const bytes = await data.toBuffer();
  if (data.file.truncated) return { ok: false, error: 'too_large', status: 413, fields: data.fields };
  return { ok: true, bytes, fields: data.fields };
}

/** Sends a template as an attachment: `filename*` gives browsers the Chinese name, `filename` the ASCII fallback. */
export function sendTemplateCsv(reply: FastifyReply, csv: Buffer, asciiName: string, chineseName: string) {
  reply.header('Content-Type', 'text/csv; charset=utf-8');
  reply.header('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(chineseName)}`);
  reply.header('Cache-Control', 'no-store');
  return reply.send(csv);
}
