import type { ClientIpConfig } from '../config/types.ts';

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
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return 'unknown';
  const index = Math.max(0, hops.length - Math.max(1, config.trustedProxyCount));
  return hops[index];
}
