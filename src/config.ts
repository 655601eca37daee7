// The one place that reads the environment (DESIGN.md §6). Everything else receives a Config.
import path from 'node:path';
import { overrideProblems, parseRuleOverrides, type RuleOverrides } from './clocks/index.js';
import { CRYPTO_PROFILES, parseCryptoProfile } from './shared/crypto/index.js';
// A type only: the SMS door's templates load i18n, which reads LOCALES from here (no import cycle at run time).
import type { SmsSettings } from './sms/index.js';

export const LOCALES = ['zh-CN', 'ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /**
   * PostgreSQL connection URL (DATABASE_URL, issue 21); null runs on the SQLite file in DATA_DIR.
   * The outbox, backups and (without SUNSHINE_EVIDENCE_DIR) evidence still use DATA_DIR.
   */
  databaseUrl: string | null;
  /**
   * Where the encrypted evidence files are stored (SUNSHINE_EVIDENCE_DIR, issue 21): an absolute
   * path to a folder every node reaches; null keeps them in DATA_DIR/files. Each node's temporary
   * plaintext stays in its own DATA_DIR/tmp either way.
   */
  evidenceDir: string | null;
  /**
   * Redis for the rate-limit counters shared by several app nodes (REDIS_URL, issue 21): a Redis
   * that keeps nothing on disk. Null counts in each process's memory (one node).
   */
  redisUrl: string | null;
  baseUrl: string;
  /** SMTP connection URL; when empty, mail is written as .eml files to DATA_DIR/outbox. */
  smtpUrl: string | null;
  mailFrom: string;
  /** The SMS gateway (SUNSHINE_SMS_*); without a URL, texts are written to DATA_DIR/sms-outbox. */
  sms: SmsSettings;
  /** Passed to Fastify's trustProxy: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  production: boolean;
  defaultLocale: Locale;
  /** 'auto' seeds demo content when the database is empty; 'off' never does. */
  demoData: 'auto' | 'off';
  /** Base64 32-byte master key given by the operator; when null a key file in DATA_DIR is used. */
  masterKey: Buffer | null;
  logLevel: string;
  minFreeDiskMb: number;
  upload: { maxFileBytes: number; maxFiles: number; maxReportBytes: number };
  /** Wrong query codes allowed per client address per window (counted under an HMAC of the address, src/shared/counters.ts). */
  trackAttemptsPerWindow: number;
  /** Idle minutes after which a reporter's tracking session ends. */
  trackIdleMinutes: number;
  /** Idle minutes after which a staff session ends. */
  staffIdleMinutes: number;
  /** Whether a new sign-in ends the same account's other sessions. */
  singleStaffSession: boolean;
  /** Interval of the deadline scheduler in seconds; 0 disables it (tests run it by hand). */
  schedulerSeconds: number;
  /** Raise every per-address rate limit by this factor (benchmarks from a single client). */
  rateLimitFactor: number;
  /** Limits on public filing against floods and slow uploads (issue 16). */
  abuse: AbuseLimits;
  /** Memory the public page cache may use, in megabytes. */
  publicCacheMb: number;
  /** Memory the staff page cache (inbox, dashboard per session) may use, in megabytes. */
  staffCacheMb: number;
  /**
   * Password policy (等保 level 3, issue 15): days a password may be used before a forced change;
   * 0 turns the maximum age off.
   */
  passwordMaxAgeDays: number;
  /** Days the audit log keeps entries online before monthly archives may take them (≥ 180). */
  auditOnlineDays: number;
  /**
   * The retention schedule (PIPL art. 19, the province's archive rules). No invented default: null
   * when unset, and the server refuses to start outside demo mode without it (src/server.ts).
   */
  retention: Retention | null;
  /**
   * The operator's changes to the referral routing table (SUNSHINE_REFERRAL_ROUTING, JSON such as
   * {"village":"county","county_leadership":"prefecture"}): subject level → discipline body level.
   */
  referralRouting: Partial<Record<(typeof SUBJECT_LEVELS)[number], (typeof BODY_LEVELS)[number]>> | null;
  /**
   * The province's stricter periods (SUNSHINE_CLOCK_RULES, e.g. "xinfang.register=10d,discipline.forward=3wd";
   * src/clocks/rules.ts): an office's period may be shortened in the law's unit, never lengthened;
   * the reporter's own review windows cannot be changed. Checked at start.
   */
  clockRules: RuleOverrides;
  /** 公示期 in days, the day of posting counted as the first (SUNSHINE_POSTING_DAYS, default 7; src/disclosure/posting-rules.ts). */
  postingDays: number;
  /** Footer identification of a Chinese government site (issue 8). */
  site: { sponsor: string; organizer: string; siteCode: string; icp: string; policeFiling: string; contact: string };
}

/**
 * Client addresses are counted under an HMAC, never stored (DESIGN.md §4); per-address numbers are multiplied
 * by rateLimitFactor. Many villagers share one carrier address, so files are limited before text.
 */
export interface AbuseLimits {
  /** Reports filed per address per 10 minutes, with or without files. */
  filingsPerAddress: number;
  /** Filings (or follow-up uploads to one report) that bring files, per address per 10 minutes. */
  filingsWithFilesPerAddress: number;
  /** Evidence bytes all reporters together may send per minute; beyond it reports are filed without their files. */
  evidenceBytesPerMinute: number;
  /** Uploads (report and follow-up forms) in progress per address, and in all. */
  uploadsPerAddress: number;
  uploadsTotal: number;
  /** An upload that sends nothing for this long is cut off (its socket closed, its temporary files deleted). */
  uploadIdleSeconds: number;
  /** After the first idle period, an upload slower than this on average is cut off. */
  uploadMinBytesPerSecond: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). */
  requestTimeoutSeconds: number;
}

/** How long personal information is kept; each period starts when the duty that needed it ended. */
export interface Retention {
  /** Days after a report reaches an end state that a real-name reporter's identity is kept. */
  identityDays: number;
  /** Days after a report reaches an end state that its evidence files are kept. */
  evidenceDays: number;
  /** Years after a declarant leaves office that their declaration is kept. */
  declarationYears: number;
}

/** The schedule a demo database uses when none is configured (never in production). */
export const DEMO_RETENTION: Retention = { identityDays: 365, evidenceDays: 365, declarationYears: 1 };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined ? fallback : raw.trim();
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** SUNSHINE_CRYPTO is read once per process by src/shared/crypto/profile.ts; checked here so a typo is one clear line. */
function checkCryptoProfile(env: Env): void {
  try {
    parseCryptoProfile(env.SUNSHINE_CRYPTO);
  } catch {
    throw new ConfigError('SUNSHINE_CRYPTO', `must be one of ${CRYPTO_PROFILES.join(', ')}, got "${env.SUNSHINE_CRYPTO}"`);
  }
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** The gateway's body when SUNSHINE_SMS_BODY is not set. */
const DEFAULT_SMS_BODY = '{"to":"{to}","text":"{text}"}';

/** SUNSHINE_SMS_*: the generic HTTP gateway (src/sms/settings.ts says what each one does). */
function smsSettings(env: Env): SmsSettings {
  let headers: Record<string, string> = {};
  const rawHeaders = env.SUNSHINE_SMS_HEADERS;
  if (rawHeaders !== undefined && rawHeaders.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawHeaders);
    } catch {
      throw new ConfigError('SUNSHINE_SMS_HEADERS', 'must be a JSON object of header names and values');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
      throw new ConfigError('SUNSHINE_SMS_HEADERS', 'must be a JSON object of header names and string values');
    }
    headers = parsed as Record<string, string>;
  }
  const bodyTemplate = text(env, 'SUNSHINE_SMS_BODY', DEFAULT_SMS_BODY) || DEFAULT_SMS_BODY;
  if (!bodyTemplate.includes('{to}') || !bodyTemplate.includes('{text}')) throw new ConfigError('SUNSHINE_SMS_BODY', 'must contain {to} and {text}');
  const successPattern = text(env, 'SUNSHINE_SMS_SUCCESS_PATTERN', '') || null;
  if (successPattern) {
    try {
      new RegExp(successPattern);
    } catch {
      throw new ConfigError('SUNSHINE_SMS_SUCCESS_PATTERN', 'must be a regular expression');
    }
  }
  return {
    url: url(env, 'SUNSHINE_SMS_URL', null, ['http:', 'https:']),
    headers,
    contentType: text(env, 'SUNSHINE_SMS_CONTENT_TYPE', 'application/json') || 'application/json',
    bodyTemplate,
    successPattern,
    retries: integer(env, 'SUNSHINE_SMS_RETRIES', 3, 0, 10),
    retryMs: integer(env, 'SUNSHINE_SMS_RETRY_MS', 2000, 0, 600_000),
    timeoutMs: integer(env, 'SUNSHINE_SMS_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
  };
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
}

function trustProxy(env: Env): boolean | number | string {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  // A comma-separated list of addresses or CIDR ranges, as Fastify accepts it.
  if (/^[0-9a-fA-F:.,/\s]+$/.test(raw)) return raw;
  throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count or a list of addresses, got "${raw}"`);
}

/** Subject levels and discipline body levels a routing override may name (src/reports/referrals/routing.ts). */
const SUBJECT_LEVELS = ['village', 'township', 'county_bureau', 'county_leadership', 'city_bureau', 'province', 'other'] as const;
const BODY_LEVELS = ['county', 'prefecture', 'stationed', 'province'] as const;

function referralRouting(env: Env): Config['referralRouting'] {
  const raw = env.SUNSHINE_REFERRAL_ROUTING;
  if (raw === undefined || raw.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('SUNSHINE_REFERRAL_ROUTING', 'must be a JSON object such as {"village":"county"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError('SUNSHINE_REFERRAL_ROUTING', 'must be a JSON object such as {"village":"county"}');
  for (const [level, body] of Object.entries(parsed)) {
    if (!(SUBJECT_LEVELS as readonly string[]).includes(level)) throw new ConfigError('SUNSHINE_REFERRAL_ROUTING', `names an unknown subject level "${level}" (one of ${SUBJECT_LEVELS.join(', ')})`);
    if (!(BODY_LEVELS as readonly unknown[]).includes(body)) throw new ConfigError('SUNSHINE_REFERRAL_ROUTING', `sends "${level}" to an unknown body "${String(body)}" (one of ${BODY_LEVELS.join(', ')})`);
  }
  return parsed as Config['referralRouting'];
}

function clockRules(env: Env): RuleOverrides {
  const raw = env.SUNSHINE_CLOCK_RULES;
  if (raw === undefined || raw.trim() === '') return {};
  let overrides: RuleOverrides;
  try {
    overrides = parseRuleOverrides(raw);
  } catch (err) {
    throw new ConfigError('SUNSHINE_CLOCK_RULES', `${(err as Error).message} (form: id=amount[d|wd], …, e.g. xinfang.register=10d)`);
  }
  const problems = overrideProblems(overrides);
  if (problems.length) throw new ConfigError('SUNSHINE_CLOCK_RULES', problems.join('; '));
  return overrides;
}

/** All three retention settings, or none (then null); one alone is a mistake worth stopping for. */
function retention(env: Env): Retention | null {
  const names = ['SUNSHINE_RETAIN_IDENTITY_DAYS', 'SUNSHINE_RETAIN_EVIDENCE_DAYS', 'SUNSHINE_RETAIN_DECLARATION_YEARS'] as const;
  const given = names.filter((n) => env[n] !== undefined && env[n] !== '');
  if (given.length === 0) return null;
  const missing = names.find((n) => !given.includes(n));
  if (missing) throw new ConfigError(missing, 'must be set together with the other SUNSHINE_RETAIN_* settings (the retention schedule)');
  return {
    identityDays: integer(env, 'SUNSHINE_RETAIN_IDENTITY_DAYS', 0, 1, 36_500),
    evidenceDays: integer(env, 'SUNSHINE_RETAIN_EVIDENCE_DAYS', 0, 1, 36_500),
    declarationYears: integer(env, 'SUNSHINE_RETAIN_DECLARATION_YEARS', 0, 0, 100),
  };
}

/** SUNSHINE_EVIDENCE_DIR: absolute, and not inside DATA_DIR/tmp, which every start empties. */
function evidenceDir(env: Env, dataDir: string): string | null {
  const raw = env.SUNSHINE_EVIDENCE_DIR?.trim();
  if (!raw) return null;
  if (!path.isAbsolute(raw)) throw new ConfigError('SUNSHINE_EVIDENCE_DIR', `must be an absolute path, got "${raw}"`);
  const dir = path.resolve(raw);
  const tmp = path.join(dataDir, 'tmp');
  if (dir === tmp || dir.startsWith(tmp + path.sep)) throw new ConfigError('SUNSHINE_EVIDENCE_DIR', `must not lie inside ${tmp} (temporary files, emptied at every start)`);
  return dir;
}

function masterKey(env: Env): Buffer | null {
  const raw = env.SUNSHINE_MASTER_KEY;
  if (raw === undefined || raw === '') return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError('SUNSHINE_MASTER_KEY', 'must be 32 bytes in base64 (openssl rand -base64 32)');
  return key;
}

export function loadConfig(env: Env = process.env): Config {
  checkCryptoProfile(env);
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const host = env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const mb = 1024 * 1024;
  const databaseUrl = url(env, 'DATABASE_URL', null, ['postgres:', 'postgresql:']);
  // Every node of a PostgreSQL portal must seal and open with the same key: a key file generated on
  // one node's first start would make the other nodes' reports unreadable (issue 21).
  if (databaseUrl && !env.SUNSHINE_MASTER_KEY) throw new ConfigError('SUNSHINE_MASTER_KEY', 'is required with DATABASE_URL (the same key on every node: openssl rand -base64 32)');
  const dataDir = path.resolve(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : 'data');
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    evidenceDir: evidenceDir(env, dataDir),
    redisUrl: url(env, 'REDIS_URL', null, ['redis:', 'rediss:']),
    baseUrl: url(env, 'BASE_URL', `http://${shownHost}:${port}`, ['http:', 'https:'])!,
    smtpUrl: url(env, 'SMTP_URL', null, ['smtp:', 'smtps:']),
    mailFrom: env.SUNSHINE_MAIL_FROM && env.SUNSHINE_MAIL_FROM !== '' ? env.SUNSHINE_MAIL_FROM : 'Sunshine <no-reply@sunshine.invalid>',
    sms: smsSettings(env),
    trustProxy: trustProxy(env),
    production: oneOf(env, 'NODE_ENV', ['production', 'development', 'test'], 'development') === 'production',
    defaultLocale: oneOf(env, 'SUNSHINE_DEFAULT_LOCALE', LOCALES, 'zh-CN'),
    demoData: oneOf(env, 'SUNSHINE_DEMO_DATA', ['auto', 'off'] as const, 'auto'),
    masterKey: masterKey(env),
    logLevel: oneOf(env, 'SUNSHINE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const, 'info'),
    minFreeDiskMb: integer(env, 'SUNSHINE_MIN_FREE_DISK_MB', 200, 0, 1_000_000),
    upload: {
      maxFileBytes: integer(env, 'SUNSHINE_MAX_FILE_MB', 20, 1, 1024) * mb,
      maxFiles: integer(env, 'SUNSHINE_MAX_FILES', 10, 1, 50),
      maxReportBytes: integer(env, 'SUNSHINE_MAX_REPORT_MB', 50, 1, 4096) * mb,
    },
    trackAttemptsPerWindow: integer(env, 'SUNSHINE_TRACK_ATTEMPTS', 10, 1, 100_000),
    trackIdleMinutes: integer(env, 'SUNSHINE_TRACK_IDLE_MINUTES', 15, 1, 240),
    staffIdleMinutes: integer(env, 'SUNSHINE_STAFF_IDLE_MINUTES', 30, 1, 1440),
    singleStaffSession: bool(env, 'SUNSHINE_SINGLE_SESSION', true),
    schedulerSeconds: integer(env, 'SUNSHINE_SCHEDULER_SECONDS', 300, 0, 86_400),
    rateLimitFactor: integer(env, 'SUNSHINE_RATE_LIMIT_FACTOR', 1, 1, 1_000_000),
    abuse: {
      filingsPerAddress: integer(env, 'SUNSHINE_FILINGS_PER_ADDRESS', 20, 1, 1_000_000),
      filingsWithFilesPerAddress: integer(env, 'SUNSHINE_FILINGS_WITH_FILES_PER_ADDRESS', 5, 1, 1_000_000),
      evidenceBytesPerMinute: integer(env, 'SUNSHINE_EVIDENCE_MB_PER_MINUTE', 300, 1, 1_000_000) * mb,
      uploadsPerAddress: integer(env, 'SUNSHINE_UPLOADS_PER_ADDRESS', 4, 1, 100_000),
      uploadsTotal: integer(env, 'SUNSHINE_UPLOADS_TOTAL', 100, 1, 100_000),
      uploadIdleSeconds: integer(env, 'SUNSHINE_UPLOAD_IDLE_SECONDS', 30, 1, 3600),
      uploadMinBytesPerSecond: integer(env, 'SUNSHINE_UPLOAD_MIN_BYTES_PER_SECOND', 500, 0, 1_000_000),
      requestTimeoutSeconds: integer(env, 'SUNSHINE_REQUEST_TIMEOUT_SECONDS', 1800, 10, 86_400),
    },
    publicCacheMb: integer(env, 'SUNSHINE_PUBLIC_CACHE_MB', 64, 0, 65_536),
    staffCacheMb: integer(env, 'SUNSHINE_STAFF_CACHE_MB', 32, 0, 65_536),
    passwordMaxAgeDays: integer(env, 'SUNSHINE_PASSWORD_MAX_AGE_DAYS', 90, 0, 3650),
    auditOnlineDays: integer(env, 'SUNSHINE_AUDIT_ONLINE_DAYS', 180, 180, 36_500),
    retention: retention(env),
    referralRouting: referralRouting(env),
    clockRules: clockRules(env),
    postingDays: integer(env, 'SUNSHINE_POSTING_DAYS', 7, 1, 60),
    site: {
      sponsor: text(env, 'SUNSHINE_SITE_SPONSOR', '吉林省民政厅'),
      organizer: text(env, 'SUNSHINE_SITE_ORGANIZER', '吉林省民政厅社会救助处'),
      siteCode: text(env, 'SUNSHINE_SITE_CODE', ''),
      icp: text(env, 'SUNSHINE_SITE_ICP', ''),
      policeFiling: text(env, 'SUNSHINE_SITE_POLICE_FILING', ''),
      contact: text(env, 'SUNSHINE_SITE_CONTACT', ''),
    },
  };
}

/**
 * A config for tests and tools: defaults plus overrides, never the process environment. Tests file
 * many reports from the one address app.inject uses, so the per-address filing limits are lifted;
 * the tests of those limits set their own (test/security/filing-abuse.test.ts).
 */
export function testConfig(overrides: Partial<Config> & { dataDir: string }): Config {
  const env = { SUNSHINE_LOG_LEVEL: 'silent', SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0' };
  const lifted = { SUNSHINE_FILINGS_PER_ADDRESS: '1000000', SUNSHINE_FILINGS_WITH_FILES_PER_ADDRESS: '1000000', SUNSHINE_UPLOADS_PER_ADDRESS: '100000' };
  return { ...loadConfig({ ...env, ...lifted }), ...overrides };
}
