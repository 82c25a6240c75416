/** Every response that sets, clears or depends on the session carries this, so no shared cache stores it. */
export const NO_STORE = 'private, no-store';

/**
 * Marks a response as one user's: `private, no-store`, and `Vary: Cookie` for caches that ignore `private` but key on
 * what the response varies by.
 */
export function markPersonal(headers: Headers): void {
  headers.set('cache-control', NO_STORE);
  varyOnCookie(headers);
}

/** Adds `Cookie` to `Vary`, keeping what is there (a `*` already covers it). */
export function varyOnCookie(headers: Headers): void {
  const vary = headers.get('vary');
  if (!vary) return headers.set('vary', 'Cookie');
  const names = vary.split(',').map((v) => v.trim().toLowerCase());
  if (!names.includes('*') && !names.includes('cookie')) headers.set('vary', `${vary}, Cookie`);
}

/**
 * The `Cache-Control` of a proxied answer. The browser's request to us carries a cookie, not the `Authorization` that
 * makes shared caches refuse to store an answer (RFC 9111 §3.5), so an answer is `private` unless the backend said
 * it may be shared (`public`, `s-maxage`) or already forbade storing it.
 */
export function proxiedCacheControl(backend: string | null): string {
  if (!backend?.trim()) return 'private';
  const directives = backend.split(',').map((d) => d.trim().toLowerCase().split('=')[0]);
  const decided = ['public', 's-maxage', 'private', 'no-store'].some((d) => directives.includes(d));
  return decided ? backend : `private, ${backend}`;
}
