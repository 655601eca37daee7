// TRUST_PROXY as Fastify takes it (issue 16 defect 9). The client address decides every rate limit,
// so it must be the one the operator's proxy saw, never one the client wrote into X-Forwarded-For.
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify 5.12 trusts no hop at all for a plain number (a direct client could otherwise claim to be
 * behind enough proxies), which would put every villager behind the proxy under one limit. A hop
 * count here means what the operator means: the last `hops` addresses are the operator's proxies —
 * safe only where the app port is reachable through the proxy alone (HOST=127.0.0.1); startup.ts
 * warns otherwise. Addresses (or CIDR ranges) are the safer setting.
 */
export function fastifyTrustProxy(setting: boolean | number | string): FastifyServerOptions['trustProxy'] {
  if (typeof setting === 'number') return (_address: string, hop: number) => hop < setting;
  return setting;
}

/** What startup prints about the setting: nothing when it is safe. */
export function trustProxyWarning(setting: boolean | number | string, host: string): string | null {
  if (setting === true) {
    return 'WARNING: TRUST_PROXY=true trusts every X-Forwarded-For entry, including those a client writes itself, so rate limits (query codes, sign-in, filing) can be dodged. Set the number of proxies (TRUST_PROXY=1) or their addresses (TRUST_PROXY=10.0.0.2).';
  }
  if (typeof setting === 'number' && !['127.0.0.1', '::1', 'localhost'].includes(host)) {
    return `WARNING: TRUST_PROXY=${setting} trusts the last ${setting} hop(s) whoever connects; with HOST=${host} a client that reaches the port directly can choose its address. Listen on 127.0.0.1 behind the proxy, or give the proxies' addresses instead.`;
  }
  return null;
}
