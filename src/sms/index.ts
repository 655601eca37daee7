// The door of the SMS channel (issue 24): a generic HTTP gateway adapter with retry, the development
// outbox, the per-locale texts and the mobile-number check. A channel like mail: it knows no feature;
// reports decides who is told what and when (reports/reporter-sms.ts), and unseals the number.
export type { SmsSettings } from './settings.js';
export { httpSmsSender, outboxSmsSender, smsOutboxDir, smsSenderFor, useSmsSender, classifyStatus, renderBody, SmsError, type SmsSender, type SmsMessage } from './sender.js';
export { smsText, staffSmsText, TRACK_PATH, smsLength, SMS_KINDS, SMS_MAX_CHARS, type SmsKind } from './templates.js';
export { foldPhone, isMainlandMobile, normaliseMobile } from './mobile.js';
