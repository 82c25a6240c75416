const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
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
