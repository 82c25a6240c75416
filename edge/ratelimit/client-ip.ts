import type { ClientIpConfig } from '../config/types.ts';
import { trustedHop } from '../request/trusted-hop.ts';

/**
 * The client's IP from what the platform guarantees, never from the spoofable first X-Forwarded-For entry: the header
 * a platform overwrites (`x-real-ip` on Vercel, `cf-connecting-ip` on Cloudflare); self-hosted, the entry the
 * outermost trusted proxy appended, counting `trustedProxyCount` from the right; with 0 (no proxy) the last hop,
 * which Next fills from the socket only when the client sent no header.
 */
export function clientIp(headers: Headers, config: ClientIpConfig): string {
  if (config.ipHeader) {
    const told = headers.get(config.ipHeader)?.trim();
    if (told) return told;
  }
  return trustedHop(headers.get('x-forwarded-for'), config) ?? 'unknown';
}

/** Nothing in front tells the client's address: X-Forwarded-For, if any, is the client's own words. */
export function exposedDirectly(config: ClientIpConfig): boolean {
  return !config.ipHeader && config.trustedProxyCount === 0;
}

/**
 * The client's address as the backend may be told it: only what a platform or a trusted proxy established. With
 * neither (plain `next start`, TRUSTED_PROXY_COUNT=0), undefined.
 */
export function establishedClientIp(headers: Headers, config: ClientIpConfig): string | undefined {
  if (exposedDirectly(config)) return undefined;
  const ip = clientIp(headers, config);
  return ip === 'unknown' ? undefined : ip;
}
