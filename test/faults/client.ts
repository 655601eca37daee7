// A citizen's browser, reduced to fetch: the report form against a real server (GET for the CSRF
// token, cookies and submission id; multipart POST), the query code on /track, and test files.
import { Blob } from 'node:buffer';
import { jpegWith } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

export interface OpenedForm {
  csrf: string;
  cookie: string;
  hidden: Record<string, string>;
}

function unescapeHtml(s: string): string {
  return s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
}

function cookieHeader(response: Response, jar: Record<string, string> = {}): string {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar[pair!.slice(0, eq).trim()] = pair!.slice(eq + 1).trim();
  }
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** GET a page with a form: its CSRF token (from the action or a hidden field), cookies and hidden fields. */
export async function openForm(baseUrl: string, path: string): Promise<OpenedForm> {
  const response = await fetch(`${baseUrl}${path}`);
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  const csrf = /_csrf(?:=|" value=")([^"&]+)/.exec(html)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${path}`);
  const hidden: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[m[1]!] = m[2]!;
  return { csrf: unescapeHtml(csrf), cookie: cookieHeader(response), hidden };
}

export interface Attachment {
  filename: string;
  content: Buffer;
  type?: string;
}

/** A valid JPEG of about `bytes` bytes: filler inside the scan data, which metadata removal keeps. */
export function bigJpeg(bytes: number): Buffer {
  const base = jpegWith();
  const filler = Buffer.alloc(Math.max(0, bytes - base.length), 0x5a);
  return Buffer.concat([base.subarray(0, base.length - 2), filler, base.subarray(base.length - 2)]);
}

async function multipartBody(fields: Record<string, string>, files: Attachment[]): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('evidence', new Blob([new Uint8Array(f.content)], { type: f.type ?? 'image/jpeg' }) as unknown as globalThis.Blob, f.filename);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), type: request.headers.get('content-type')! };
}

/** Sends `body` in chunks with a pause between them, as a slow connection would. */
function throttled(body: Buffer, chunkBytes: number, pauseMs: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= body.length) return controller.close();
      if (offset > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      controller.enqueue(new Uint8Array(body.subarray(offset, offset + chunkBytes)));
      offset += chunkBytes;
    },
  });
}

export interface Submission {
  status: number;
  html: string;
  /** The query code shown on the confirmation page, without spaces; null when none was shown. */
  code: string | null;
}

export const queryCodeIn = (html: string): string | null => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1]?.replace(/ /g, '') ?? null;

/** Files a report through the public form; `throttle` slows the upload down. */
export async function submitReport(
  baseUrl: string,
  options: { fields?: Record<string, string>; files?: Attachment[]; throttle?: { chunkBytes: number; pauseMs: number }; form?: OpenedForm } = {},
): Promise<Submission> {
  const form = options.form ?? (await openForm(baseUrl, '/report'));
  const { body, type } = await multipartBody({ submission_id: form.hidden.submission_id!, ...reportFields(options.fields) }, options.files ?? []);
  const response = await fetch(`${baseUrl}/report?_csrf=${encodeURIComponent(form.csrf)}`, {
    method: 'POST',
    headers: { 'content-type': type, cookie: form.cookie },
    body: options.throttle ? throttled(body, options.throttle.chunkBytes, options.throttle.pauseMs) : body,
    ...(options.throttle ? { duplex: 'half' } : {}),
  } as RequestInit);
  const html = await response.text();
  return { status: response.status, html, code: response.status === 200 ? queryCodeIn(html) : null };
}

/** POST /track with a query code: the status and where it redirects (303 → /track/report when the code is known). */
export async function trackCode(baseUrl: string, code: string): Promise<{ status: number; location: string | null }> {
  const form = await openForm(baseUrl, '/track');
  const response = await fetch(`${baseUrl}/track`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ _csrf: form.csrf, code }).toString(),
  });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get('location') };
}

export interface FilingsInFlight {
  /** Each filing's outcome once settled: the receipt page, or the error of a cut connection. */
  outcomes: (Submission | Error | undefined)[];
  /** Resolves when every filing has settled. */
  settled: Promise<unknown>;
  /** The query codes shown so far, without spaces. */
  shown(): string[];
}

/**
 * Starts `count` filings with `photo` each at once (forms fetched first): four at full speed, the
 * others 64 KB at a time with pauses of 40 ms upwards, so that at a kill some have been answered,
 * some are being committed and most are mid-upload. Resolves once `codesFirst` query codes were
 * shown (or after 30 s, on a loaded machine).
 */
export async function startFilingsInFlight(baseUrl: string, count: number, photo: Buffer, description: (i: number) => string, codesFirst = 3): Promise<FilingsInFlight> {
  const forms = await Promise.all(Array.from({ length: count }, () => openForm(baseUrl, '/report')));
  const outcomes: (Submission | Error | undefined)[] = new Array(count);
  const started = forms.map((form, i) =>
    submitReport(baseUrl, {
      form,
      fields: { description: description(i) },
      files: [{ filename: `现场照片${i + 1}.jpg`, content: photo }],
      ...(i < 4 ? {} : { throttle: { chunkBytes: 64 * 1024, pauseMs: 40 + (i - 4) * 12 } }),
    }).then(
      (s) => (outcomes[i] = s),
      (err: Error) => (outcomes[i] = err),
    ),
  );
  const shown = () => outcomes.flatMap((o) => (o && !(o instanceof Error) && o.code ? [o.code] : []));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && shown().length < codesFirst) await new Promise((r) => setTimeout(r, 10));
  return { outcomes, settled: Promise.all(started), shown };
}
