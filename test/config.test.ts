import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has safe local defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.baseUrl).toBe('http://127.0.0.1:3000');
    expect(config.defaultLocale).toBe('zh-CN');
    expect(config.trustProxy).toBe(false);
    expect(config.smtpUrl).toBeNull();
    expect(config.upload.maxFileBytes).toBe(20 * 1024 * 1024);
    expect(config.upload.maxFiles).toBe(10);
    expect(config.upload.maxReportBytes).toBe(50 * 1024 * 1024);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['BASE_URL', 'not a url'],
    ['BASE_URL', 'ftp://x'],
    ['SMTP_URL', 'http://mail'],
    ['TRUST_PROXY', 'everyone'],
    ['NODE_ENV', 'staging'],
    ['SUNSHINE_DEFAULT_LOCALE', 'fr'],
    ['SUNSHINE_MASTER_KEY', 'c2hvcnQ='],
    ['SUNSHINE_SINGLE_SESSION', 'maybe'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain('\n');
  });

  it('requires SUNSHINE_MASTER_KEY with DATABASE_URL, in one line (issue 21: every node seals with the same key)', () => {
    const databaseUrl = 'postgres://sunshine@db.internal:5432/sunshine';
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: databaseUrl });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('SUNSHINE_MASTER_KEY');
    expect((error as Error).message).toContain('required with DATABASE_URL');
    expect((error as Error).message).not.toContain('\n');
    const key = Buffer.alloc(32, 3);
    const config = loadConfig({ DATABASE_URL: databaseUrl, SUNSHINE_MASTER_KEY: key.toString('base64') });
    expect(config.databaseUrl).toBe(databaseUrl);
    expect(config.masterKey).toEqual(key);
    // Without DATABASE_URL the key stays optional: SQLite makes DATA_DIR/master.key on first start.
    expect(loadConfig({}).masterKey).toBeNull();
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/sunshine', SUNSHINE_MASTER_KEY: key.toString('base64') })).toThrow(ConfigError);
  });

  it('reads the conventional names', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', TRUST_PROXY: '1', NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25', SUNSHINE_DEFAULT_LOCALE: 'ko' });
    expect(config.port).toBe(8080);
    expect(config.baseUrl).toBe('http://localhost:8080');
    expect(config.trustProxy).toBe(1);
    expect(config.production).toBe(true);
    expect(config.smtpUrl).toBe('smtp://mail:25');
    expect(config.defaultLocale).toBe('ko');
  });
});

describe('SUNSHINE_CRYPTO', () => {
  it('takes intl or sm, and refuses anything else in one line naming the setting', () => {
    expect(() => loadConfig({ SUNSHINE_CRYPTO: 'sm' })).not.toThrow();
    expect(() => loadConfig({ SUNSHINE_CRYPTO: '' })).not.toThrow();
    expect(() => loadConfig({ SUNSHINE_CRYPTO: 'sm4' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUNSHINE_CRYPTO: 'sm4' })).toThrow(/SUNSHINE_CRYPTO.*intl, sm/);
  });
});
