// Work texts to staff (issue 24): every staff notice kind, in every locale, with the longest case
// number, fits 70 characters; a user who chose SMS or both gets the text, an e-mail-only user none.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/config.js';
import { translate } from '../../src/i18n/translate.js';
import { SMS_MAX_CHARS, smsLength, staffSmsText, type SmsMessage } from '../../src/sms/index.js';
import { sendStaffNotice, type User } from '../../src/users/index.js';
import { testConfig } from '../../src/config.js';
import { tempDir } from '../helpers/app.js';

const kinds = Object.keys((JSON.parse(fs.readFileSync('src/mail/locales/zh-CN.json', 'utf8')) as { mail: Record<string, unknown> }).mail).filter((k) => !['prefix', 'colon', 'open', 'footer'].includes(k));

describe('staff texts', () => {
  it('fit 70 characters for every notice kind and locale, with the case number', () => {
    expect(kinds.length).toBeGreaterThan(10);
    for (const locale of LOCALES) {
      for (const kind of kinds) {
        const text = staffSmsText(locale, translate(locale, `mail.${kind}.subject`) || translate(locale, 'mail.generic.subject'), 'JL2026-999999');
        expect(smsLength(text), `${locale} ${kind}: ${text}`).toBeLessThanOrEqual(SMS_MAX_CHARS);
        expect(text).toContain('JL2026-999999');
      }
      expect(smsLength(staffSmsText(locale, '很长'.repeat(60), 'JL2026-999999'))).toBe(SMS_MAX_CHARS);
    }
  });

  it('go only to users who chose SMS or both and gave a number', async () => {
    const config = testConfig({ dataDir: tempDir() });
    const sent: SmsMessage[] = [];
    const sender = { send: async (m: SmsMessage) => void sent.push(m) };
    const mailed: string[] = [];
    const mailer = { send: async (m: { to: string }) => void mailed.push(m.to), sendLater: (m: { to: string }) => void mailed.push(m.to) } as unknown as Parameters<typeof sendStaffNotice>[0]['mailer'];
    const user = (over: Partial<User>) => ({ locale: null, email: 'a@test.invalid', mobile: '13912345678', noticeChannel: 'email', ...over }) as User;
    const send = (u: User, kind: string, caseNo: string) => sendStaffNotice({ config, mailer }, u, { mail: { to: u.email, subject: kind, text: kind }, text: { kind, caseNo } }, { sender });
    expect((await send(user({}), 'overdue', 'JL2026-000001')).text).toBe('none');
    expect((await send(user({ noticeChannel: 'sms', mobile: null }), 'overdue', 'JL2026-000001')).text).toBe('none');
    expect((await send(user({ noticeChannel: 'both' }), 'overdue', 'JL2026-000001')).text).toBe('sent');
    expect((await send(user({ noticeChannel: 'sms', locale: 'ko' }), 'assigned', 'JL2026-000002')).text).toBe('sent');
    expect(mailed).toHaveLength(3);
    expect(sent.map((m) => m.to)).toEqual(['13912345678', '13912345678']);
    expect(sent[0]!.text).toContain('JL2026-000001');
    expect(sent[1]!.text).toMatch(/^\[햇빛감독\]/);
  });
});
