// Sends one text message: over HTTP to the configured gateway, or (without SUNSHINE_SMS_URL) into
// DATA_DIR/sms-outbox as a JSON file per message, like the e-mail outbox, so a demo or a developer
// sees what would have gone out. The number travels only here: it is never logged, and an error
// names the HTTP status or the network error, never the number or the text.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SmsSettings } from './settings.js';

export interface SmsMessage {
  /** A mainland mobile number, 11 digits. */
  to: string;
  text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** A failed send; `permanent` when retrying cannot help (a 4xx other than 408/429, a refused body). */
export class SmsError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsError';
  }
}

/** How an HTTP status maps: 2xx sent; 408, 429 and 5xx worth another try; any other status permanent. */
export function classifyStatus(status: number): 'ok' | 'retry' | 'permanent' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

/** The body with `{to}` and `{text}` filled in, escaped for the content type. */
export function renderBody(settings: Pick<SmsSettings, 'bodyTemplate' | 'contentType'>, message: SmsMessage): string {
  const escape = settings.contentType.includes('json')
    ? (v: string) => JSON.stringify(v).slice(1, -1)
    : settings.contentType.includes('x-www-form-urlencoded')
      ? encodeURIComponent
      : (v: string) => v;
  return settings.bodyTemplate.replace(/\{(to|text)\}/g, (_m, name: 'to' | 'text') => escape(message[name]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The generic HTTP adapter: one POST per message, retried with doubling waits while retryable. */
export function httpSmsSender(settings: SmsSettings & { url: string }, wait: (ms: number) => Promise<unknown> = sleep): SmsSender {
  const success = settings.successPattern ? new RegExp(settings.successPattern) : null;
  const attempt = async (message: SmsMessage): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(settings.url, {
        method: 'POST',
        headers: { ...settings.headers, 'content-type': settings.contentType },
        body: renderBody(settings, message),
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new SmsError(`SMS gateway unreachable: ${cause ?? (err as Error).name}`, false);
    }
    const body = await response.text();
    const kind = classifyStatus(response.status);
    if (kind === 'ok' && success && !success.test(body)) throw new SmsError(`SMS gateway answered ${response.status} without the success pattern`, true);
    if (kind !== 'ok') throw new SmsError(`SMS gateway answered HTTP ${response.status}`, kind === 'permanent');
  };
  return {
    async send(message) {
      for (let tries = 0; ; tries++) {
        try {
          return await attempt(message);
        } catch (err) {
          if (!(err instanceof SmsError) || err.permanent || tries >= settings.retries) throw err;
          await wait(settings.retryMs * 2 ** tries);
        }
      }
    },
  };
}

/** Development: each message a JSON file in `dir` (sent at, to, text). */
export function outboxSmsSender(dir: string): SmsSender {
  return {
    async send(message) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const name = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}.json`;
      await fs.promises.writeFile(path.join(dir, name), JSON.stringify({ sentAt: new Date().toISOString(), ...message }, null, 2), { mode: 0o600 });
    },
  };
}

/** The outbox folder of a data directory. */
export function smsOutboxDir(dataDir: string): string {
  return path.join(dataDir, 'sms-outbox');
}

const senders = new WeakMap<object, SmsSender>();

/** The sender a config describes (one per config object; a test may put its own with `useSmsSender`). */
export function smsSenderFor(config: { dataDir: string; sms: SmsSettings }): SmsSender {
  let sender = senders.get(config);
  if (!sender) {
    const { url } = config.sms;
    sender = url ? httpSmsSender({ ...config.sms, url }) : outboxSmsSender(smsOutboxDir(config.dataDir));
    senders.set(config, sender);
  }
  return sender;
}

/** Replaces the sender of a config (tests, a fake provider). */
export function useSmsSender(config: object, sender: SmsSender): void {
  senders.set(config, sender);
}
