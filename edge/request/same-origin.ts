const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The app's own origin: the configured APP_URL, else the Host the browser addressed
 * (under `next start`, `req.url` always says localhost, so it cannot be used).
 */
export function selfOrigin(headers: Headers, appUrl: URL | undefined, fallback: URL): string {
  if (appUrl) return appUrl.origin;
  const host = headers.get('x-forwarded-host')?.split(',')[0].trim() || headers.get('host');
  if (!host) return fallback.origin;
  const proto = headers.get('x-forwarded-proto')?.split(',')[0].trim() || fallback.protocol.replace(':', '');
  return `${proto}://${host}`;
}

/**
 * CSRF defence for unsafe methods: the browser must say the request comes from our origin
 * (or an allow-listed one). `Origin` decides when present; otherwise `Sec-Fetch-Site` must be
 * `same-origin`; a request with neither is refused.
 */
export function isSameOriginRequest(headers: Headers, allowed: readonly string[]): boolean {
  const origin = headers.get('origin');
  if (origin && origin !== 'null') return allowed.includes(origin);
  if (origin === 'null') return false;
  return headers.get('sec-fetch-site') === 'same-origin';
}
