import type { ClientIpConfig } from '../config/types.ts';

/**
 * The entry of a comma-separated forwarding header (`X-Forwarded-For`, `-Host`, `-Proto`) that the outermost trusted
 * proxy wrote: proxies append, so it is `trustedProxyCount` from the right (the last one on Vercel, which sets them),
 * never the leftmost, which is whatever the client sent. Undefined when the header is absent or empty.
 */
export function trustedHop(value: string | null, config: ClientIpConfig): string | undefined {
  const hops = (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return undefined;
  return hops[Math.max(0, hops.length - Math.max(1, config.trustedProxyCount))];
}
