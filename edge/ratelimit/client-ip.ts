import type { ClientIpConfig } from '../config/types.ts';
import { trustedHop } from '../request/trusted-hop.ts';

/**
 * The client's IP from what the platform guarantees, never from the spoofable first
 * X-Forwarded-For entry. On Vercel: `x-real-ip`, set by the platform. Self-hosted: the entry that
 * the outermost trusted proxy appended, counting `trustedProxyCount` from the right; with 0 (no
 * proxy) the last hop, which Next fills from the socket only when the client sent no header.
 */
export function clientIp(headers: Headers, config: ClientIpConfig): string {
  if (config.onVercel) {
    const real = headers.get('x-real-ip')?.trim();
    if (real) return real;
  }
  return trustedHop(headers.get('x-forwarded-for'), config) ?? 'unknown';
}

/**
 * The client's address as the backend may be told it: only what a platform or a trusted proxy established. With
 * neither (plain `next start`, TRUSTED_PROXY_COUNT=0), X-Forwarded-For is the client's own words: undefined.
 */
export function establishedClientIp(headers: Headers, config: ClientIpConfig): string | undefined {
  if (!config.onVercel && config.trustedProxyCount === 0) return undefined;
  const ip = clientIp(headers, config);
  return ip === 'unknown' ? undefined : ip;
}
