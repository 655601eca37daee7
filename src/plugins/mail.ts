// Outgoing e-mail through nodemailer. Without SMTP_URL (a local demo), messages are written as
// .eml files to DATA_DIR/outbox so nothing is lost and an operator can read them.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** Sends without making the caller wait or fail; errors are logged (the scheduler retries reminders). */
  sendLater(mail: OutgoingMail): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
  }
}

export default fp(
  async (app, opts: { config: Config }) => {
    const { config } = opts;
    const outbox = path.join(config.dataDir, 'outbox');
    const transport = config.smtpUrl
      ? nodemailer.createTransport(config.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

    const send = async (mail: OutgoingMail) => {
      // A staff member or unit without an address (optional since issue 19 item 15) is told in the
      // portal only: nothing to send, and nothing failed (a reminder's claim is then recorded).
      if (mail.to.trim() === '') return;
      const info = await transport.sendMail({ from: config.mailFrom, ...mail });
      if (!config.smtpUrl) {
        fs.mkdirSync(outbox, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}.eml`;
        fs.writeFileSync(path.join(outbox, name), (info as unknown as { message: Buffer }).message);
      }
    };
    const mailer: Mailer = {
      send,
      sendLater(mail) {
        send(mail).catch((err: unknown) => app.log.error({ err, to: mail.to }, 'mail not sent'));
      },
    };
    app.decorate('mailer', mailer);
    app.addHook('onClose', async () => transport.close());
  },
  { name: 'mail' },
);
