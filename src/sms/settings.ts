// The SMS channel's settings (SUNSHINE_SMS_*), parsed in src/config.ts. The adapter is generic: it
// speaks to any HTTP gateway that takes one POST per message; it claims no vendor's compatibility.
export interface SmsSettings {
  /** The gateway's URL (http or https); null: messages go to DATA_DIR/sms-outbox (development). */
  url: string | null;
  /** Extra request headers (an API key, say), from a JSON object of strings. */
  headers: Record<string, string>;
  /** The request's Content-Type; JSON and form bodies escape the placeholders accordingly. */
  contentType: string;
  /** The body with `{to}` and `{text}` placeholders (default `{"to":"{to}","text":"{text}"}`). */
  bodyTemplate: string;
  /** A regular expression a 2xx response body must match to count as accepted (a gateway that answers 200 with an error code); null: any 2xx. */
  successPattern: string | null;
  /** Attempts after the first for a retryable failure (a 5xx, 408, 429 or a network error). */
  retries: number;
  /** The wait before the first retry; each later one waits twice as long. */
  retryMs: number;
  timeoutMs: number;
}
