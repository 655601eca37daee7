// The last error of a webhook delivery as the system administrator reads it: the sender records a
// technical word (webhooks.ts: "HTTP 503", an errno such as ECONNREFUSED, "no webhook"); the page
// shows an i18n key under exchange.dead_letters.errors with the code kept in brackets.

/** The i18n key (under exchange.dead_letters.errors) and parameters for a recorded error. */
export function deliveryErrorMessage(error: string | null): { key: string; params: Record<string, string> } {
  const raw = (error ?? '').trim();
  const http = /^HTTP (\d{3})$/.exec(raw);
  if (http) {
    const code = http[1]!;
    if (code === '502' || code === '503' || code === '504') return { key: 'unavailable', params: { code } };
    if (code === '401' || code === '403') return { key: 'refused_signature', params: { code } };
    if (code === '404') return { key: 'not_found', params: { code } };
    return { key: code.startsWith('5') ? 'partner_error' : 'rejected', params: { code } };
  }
  if (raw === 'no webhook') return { key: 'no_webhook', params: {} };
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(raw)) return { key: 'unreachable', params: { code: raw } };
  if (['ENOTFOUND', 'EAI_AGAIN'].includes(raw)) return { key: 'bad_address', params: { code: raw } };
  if (['ETIMEDOUT', 'TimeoutError', 'AbortError', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT'].includes(raw)) return { key: 'timeout', params: { code: raw } };
  return { key: 'other', params: { code: raw.slice(0, 80) || '—' } };
}
