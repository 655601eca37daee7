// Builds form submissions as a browser would: CSRF token and cookies from the GET, then the POST.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface FormPage {
  csrf: string;
  cookies: Record<string, string>;
  html: string;
  /** Hidden and prefilled values of the form, by name. */
  hidden: Record<string, string>;
}

export function cookiesFrom(res: LightMyRequestResponse, jar: Record<string, string> = {}): Record<string, string> {
  for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
    if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) delete jar[c.name];
    else jar[c.name] = c.value;
  }
  return jar;
}

export async function openForm(app: FastifyInstance, url: string, jar: Record<string, string> = {}): Promise<FormPage> {
  const res = await app.inject({ url, cookies: jar });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  const cookies = cookiesFrom(res, { ...jar });
  const csrf = /_csrf(?:=|" value=")([^"&]+)/.exec(res.body)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${url}`);
  const hidden: Record<string, string> = {};
  for (const m of res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[m[1]!] = m[2]!;
  return { csrf: decodeHtml(csrf), cookies, html: res.body, hidden };
}

function decodeHtml(s: string): string {
  return s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
}

export interface FileField {
  name: string;
  filename: string;
  content: Buffer;
  type?: string;
}

/** A multipart/form-data body, fields first then files, as a browser sends a form with the file input last. */
export async function multipart(fields: Record<string, string>, files: FileField[] = []): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append(f.name, new Blob([new Uint8Array(f.content)], { type: f.type ?? 'application/octet-stream' }), f.filename);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

export const html = {
  unescape: decodeHtml,
};

/**
 * A query code typed into /track from the address `ip`, the page in `lang` when given (zh-CN
 * otherwise): the answer, and the cookies after it (the tracking session when the code was right).
 */
export async function trackWithCode(app: FastifyInstance, code: string, ip: string, lang?: string): Promise<{ res: LightMyRequestResponse; jar: Record<string, string> }> {
  const form = await openForm(app, '/track', lang ? { lang } : {});
  const res = await app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: ip, payload: { _csrf: form.csrf, code } });
  return { res, jar: cookiesFrom(res, form.cookies) };
}

/** trackWithCode's answer alone. */
export async function postTrackCode(app: FastifyInstance, code: string, ip: string, lang?: string): Promise<LightMyRequestResponse> {
  return (await trackWithCode(app, code, ip, lang)).res;
}
