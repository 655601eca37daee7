// Recipient lists as a township would upload them, and the upload itself through the staff form.
import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipart, openForm } from '../helpers/forms.js';
import type { Session } from '../helpers/staff.js';
import { makeId } from './ids.js';

export const HEADER = ['姓名', '身份证号码', '家庭人口', '月保障金（元）', '救助类型', '村（社区）'];

/** 南岭街道 (220102001) and its three communities (data-source/jilin-villages.json). */
export const NANLING = '220102001';
export const HUAYANG = '220102001001';
export const HENGAN = '220102001002';
export const BAIYI = '220102001003';

export type Line = [name: string, id: string, size: number | string, amount: number | string, type: string, village: string];

export function csvList(lines: readonly Line[]): Buffer {
  return Buffer.from('\uFEFF' + [HEADER, ...lines].map((l) => l.join(',')).join('\r\n') + '\r\n', 'utf8');
}

export async function xlsxList(lines: readonly Line[], title?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  if (title) ws.addRow([title]);
  ws.addRow(HEADER);
  // ID numbers as text, as staff are told to format the column.
  for (const l of lines) ws.addRow([l[0], l[1], Number(l[2]), Number(l[3]), l[4], l[5]]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Distinct valid ID numbers (region 220102, a birth date, a sequence). */
export function ids(count: number, start = 1): string[] {
  return Array.from({ length: count }, (_, i) => makeId(`19${50 + ((start + i) % 40)}0${1 + ((start + i) % 9)}1${(start + i) % 10}`, start + i, '220102'));
}

/** Posts a list through /staff/disclosure/import as the signed-in user. */
export async function upload(app: FastifyInstance, session: Session, file: Buffer, filename: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const form = await openForm(app, '/staff/disclosure/import', session.jar);
  Object.assign(session.jar, form.cookies);
  const body = await multipart(fields, [{ name: 'file', filename, content: file }]);
  return app.inject({ method: 'POST', url: `/staff/disclosure/import?_csrf=${encodeURIComponent(form.csrf)}`, cookies: session.jar, payload: body.payload, headers: body.headers });
}

/** The decoded hrefs of "对此有异议" links on a page. */
export function objectionLinks(html: string): URL[] {
  return [...html.matchAll(/href="(\/report\?[^"]+)"/g)].map((m) => new URL(decode(m[1]!), 'http://x'));
}

export function decode(s: string): string {
  return s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
}
