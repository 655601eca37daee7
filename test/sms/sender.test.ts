// The generic HTTP SMS adapter against a fake gateway (issue 24): the body template and headers, a
// success, a 5xx then a success (retried with doubling waits), a permanent 4xx (not retried), a 2xx
// without the success pattern, an unreachable gateway; the settings as src/config.ts reads them.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { classifyStatus, httpSmsSender, outboxSmsSender, renderBody, SmsError, type SmsSettings } from '../../src/sms/index.js';
import { tempDir } from '../helpers/app.js';
import { FakeProvider } from './fake-provider.js';

const provider = new FakeProvider();
let url: string;
beforeAll(async () => {
  url = await provider.start();
});
afterAll(() => provider.close());

const message = { to: '13912345678', text: '【阳光救助监督】您反映的事项JL2026-000001已受理。"引号"' };

function sender(over: Partial<SmsSettings> = {}) {
  const waits: number[] = [];
  const settings = { ...loadConfig({}).sms, url, headers: { authorization: 'Bearer test-key' }, retries: 3, retryMs: 100, ...over } as SmsSettings & { url: string };
  return { send: httpSmsSender(settings, async (ms) => void waits.push(ms)), waits };
}

describe('HTTP SMS adapter', () => {
  it('posts the body template with the number and text escaped for JSON, and the configured headers', async () => {
    provider.answer(200);
    const { send, waits } = sender();
    await send.send(message);
    expect(provider.requests).toHaveLength(1);
    const got = provider.requests[0]!;
    expect(got.headers.authorization).toBe('Bearer test-key');
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body)).toEqual({ to: message.to, text: message.text });
    expect(waits).toEqual([]);
  });

  it('fills a form body, URL-encoded', () => {
    const body = renderBody({ bodyTemplate: 'mobile={to}&content={text}&sign=x', contentType: 'application/x-www-form-urlencoded' }, { to: '13912345678', text: 'a&b=c 受理' });
    expect(new URLSearchParams(body).get('content')).toBe('a&b=c 受理');
    expect(new URLSearchParams(body).get('mobile')).toBe('13912345678');
  });

  it('retries a 5xx with doubling waits and succeeds', async () => {
    provider.answer(503, 502, 200);
    const { send, waits } = sender();
    await send.send(message);
    expect(provider.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up on a 5xx after the configured retries', async () => {
    provider.answer(500);
    const { send, waits } = sender({ retries: 2 });
    const error = await send.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsError);
    expect((error as SmsError).permanent).toBe(false);
    expect(provider.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('does not retry a permanent 4xx, and its error names the status, not the number or the text', async () => {
    provider.answer(400, 200);
    const { send, waits } = sender();
    const error = (await send.send(message).catch((e: unknown) => e)) as SmsError;
    expect(error).toBeInstanceOf(SmsError);
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('400');
    expect(error.message).not.toContain(message.to);
    expect(error.message).not.toContain('受理');
    expect(provider.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('maps 408 and 429 to retry, other 4xx to permanent', () => {
    expect([200, 204, 408, 429, 500, 503, 400, 401, 403, 404, 422].map(classifyStatus)).toEqual(['ok', 'ok', 'retry', 'retry', 'retry', 'retry', 'permanent', 'permanent', 'permanent', 'permanent', 'permanent']);
  });

  it('refuses a 2xx without the success pattern as permanent', async () => {
    provider.answer({ status: 200, body: '{"code":"40001","msg":"bad sign"}' });
    const { send } = sender({ successPattern: '"code":"0"' });
    const error = (await send.send(message).catch((e: unknown) => e)) as SmsError;
    expect(error.permanent).toBe(true);
    provider.answer({ status: 200, body: '{"code":"0"}' });
    await sender({ successPattern: '"code":"0"' }).send.send(message);
  });

  it('retries an unreachable gateway and then fails without naming the number', async () => {
    const { send, waits } = sender({ url: 'http://127.0.0.1:9/send', retries: 1 });
    const error = (await send.send(message).catch((e: unknown) => e)) as SmsError;
    expect(error.permanent).toBe(false);
    expect(error.message).not.toContain(message.to);
    expect(waits).toEqual([100]);
  });
});

describe('SMS settings and outbox', () => {
  it('reads SUNSHINE_SMS_* and refuses bad values in one line naming the setting', () => {
    const sms = loadConfig({ SUNSHINE_SMS_URL: 'https://sms.example.test/send', SUNSHINE_SMS_HEADERS: '{"X-Key":"k"}', SUNSHINE_SMS_RETRIES: '5', SUNSHINE_SMS_RETRY_MS: '500' }).sms;
    expect(sms).toMatchObject({ url: 'https://sms.example.test/send', headers: { 'X-Key': 'k' }, retries: 5, retryMs: 500, contentType: 'application/json' });
    expect(loadConfig({}).sms.url).toBeNull();
    expect(() => loadConfig({ SUNSHINE_SMS_HEADERS: '[1]' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUNSHINE_SMS_HEADERS: '{"a":1}' })).toThrow(/SUNSHINE_SMS_HEADERS/);
    expect(() => loadConfig({ SUNSHINE_SMS_BODY: '{"to":"{to}"}' })).toThrow(/SUNSHINE_SMS_BODY/);
    expect(() => loadConfig({ SUNSHINE_SMS_URL: 'ftp://x' })).toThrow(/SUNSHINE_SMS_URL/);
    expect(() => loadConfig({ SUNSHINE_SMS_SUCCESS_PATTERN: '(' })).toThrow(/SUNSHINE_SMS_SUCCESS_PATTERN/);
  });

  it('writes a message per file into the outbox folder', async () => {
    const dir = `${tempDir()}/sms-outbox`;
    await outboxSmsSender(dir).send(message);
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(`${dir}/${files[0]}`, 'utf8'))).toMatchObject(message);
    expect(fs.statSync(`${dir}/${files[0]}`).mode & 0o777).toBe(0o600);
  });
});
