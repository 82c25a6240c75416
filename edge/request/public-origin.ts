import type { ClientIpConfig } from '../config/types';

/**
 * The app's public host and scheme as far as it can be trusted: `APP_URL` when set; the forwarding headers only
 * when a platform or trusted proxy writes them (on Vercel, or with `TRUSTED_PROXY_COUNT` > 0); otherwise the `Host`
 * the browser addressed. A client's own `X-Forwarded-Host` must never reach a backend that builds links from it.
 */
export function publicOrigin(headers: Headers, appUrl: URL | undefined, fallback: URL, trust: ClientIpConfig): { host: string; proto: string } {
  if (appUrl) return { host: appUrl.host, proto: appUrl.protocol.slice(0, -1) };
  const proxied = trust.onVercel || trust.trustedProxyCount > 0;
  const first = (name: string) => (proxied ? headers.get(name)?.split(',')[0].trim() : undefined) || undefined;
  return {
    host: first('x-forwarded-host') ?? headers.get('host') ?? fallback.host,
    proto: first('x-forwarded-proto') ?? fallback.protocol.slice(0, -1),
  };
}

/** The same, as an origin string (`https://app.example`), for the CSRF check and absolute redirects. */
export function publicOriginString(headers: Headers, appUrl: URL | undefined, fallback: URL, trust: ClientIpConfig): string {
  const { host, proto } = publicOrigin(headers, appUrl, fallback, trust);
  return `${proto}://${host}`;
}
