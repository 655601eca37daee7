import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { reportFields } from './fixtures.js';

interface Received { to: string[]; data: string }
const inbox: Received[] = [];
let smtp: SMTPServer;
let t: TestApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await makeApp({ smtpUrl: `smtp://127.0.0.1:${port}` });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('new-report e-mail', () => {
  it('tells the handling unit that a report waits, with a link and without its content or the reporter', async () => {
    const form = await openForm(t.app, '/report');
    const fields = reportFields({ identity_mode: 'real_name', reporter_name: '孙建国', reporter_phone: '13904317777', description: '村会计让我们办低保先交五百块钱手续费，不交就不给报。' });
    const body = await multipart({ ...fields, submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
    for (let i = 0; i < 50 && inbox.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.to).toEqual(['ca-220102@units.sunshine.invalid']);
    const decoded = decode(mail.data);
    expect(decoded).toContain('/staff/reports/');
    expect(decoded).toContain('新的举报待受理');
    for (const secret of ['孙建国', '13904317777', '五百块钱', '王德福']) expect(decoded).not.toContain(secret);
  });
});

/** The text of a MIME message with quoted-printable and base64 parts decoded. */
function decode(raw: string): string {
  const qp = raw.replace(/=\r?\n/g, '').replace(/(=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8'));
  const b64 = [...raw.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)].map((m) => Buffer.from(m[1]!.replace(/\s/g, ''), 'base64').toString('utf8'));
  const words = [...raw.matchAll(/=\?UTF-8\?([BQ])\?([^?]+)\?=/gi)].map((m) => (m[1]!.toUpperCase() === 'B' ? Buffer.from(m[2]!, 'base64').toString('utf8') : m[2]!));
  return [qp, ...b64, ...words].join('\n');
}
