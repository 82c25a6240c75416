import type { BffConfig } from '../config/types.ts';
import { trustedHop } from './trusted-hop.ts';

/** What deciding the app's public origin needs from the configuration. */
export type OriginConfig = Pick<BffConfig, 'appUrl' | 'clientIp'>;

/**
 * The app's public host and scheme as far as it can be trusted: `APP_URL` when set (required in production outside
 * Vercel, config/load.ts); the forwarding headers only when a platform or trusted proxy writes them (on Vercel, or
 * with `TRUSTED_PROXY_COUNT` > 0), and then the entry the outermost trusted proxy wrote (request/trusted-hop.ts);
 * otherwise the `Host` the browser addressed (the request URL is no help: under `next start` it always says
 * localhost). A client's own `X-Forwarded-Host` must never reach a backend that builds links from it.
 */
export function publicOrigin(req: { headers: Headers; nextUrl: URL }, config: OriginConfig): { host: string; proto: string } {
  if (config.appUrl) return { host: config.appUrl.host, proto: config.appUrl.protocol.slice(0, -1) };
  const proxied = config.clientIp.onVercel || config.clientIp.trustedProxyCount > 0;
  const forwarded = (name: string) => (proxied ? trustedHop(req.headers.get(name), config.clientIp) : undefined);
  return {
    host: forwarded('x-forwarded-host') ?? req.headers.get('host') ?? req.nextUrl.host,
    proto: forwarded('x-forwarded-proto') ?? req.nextUrl.protocol.slice(0, -1),
  };
}

/** The same, as an origin string (`https://app.example`), for the CSRF check and absolute redirects. */
export function publicOriginString(req: { headers: Headers; nextUrl: URL }, config: OriginConfig): string {
  const { host, proto } = publicOrigin(req, config);
  return `${proto}://${host}`;
}
