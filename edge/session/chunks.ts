import type { CookieConfig } from '../config/types.ts';

/** The attributes every session cookie carries, at their longest (`Expires` is a fixed-width HTTP date). */
const ATTRIBUTES = '; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=lax'.length;

export function chunkName(base: string, index: number): string {
  return `${base}.${index}`;
}

/** Most chunks a session may use, written or read: as many as fit the cookie budget. */
export function maxChunks(cookie: CookieConfig): number {
  return Math.max(1, Math.floor(cookie.maxBytes / (cookie.chunkSize + chunkName(cookie.name, 0).length + 1 + ATTRIBUTES)));
}

/**
 * What `sealed` costs as Set-Cookie writes (names, values, attributes), and so, less the attributes, as the request's
 * Cookie header. One limit for writing and reading: a session that could not be read back is never written.
 */
export function sessionCookieBytes(sealed: string, cookie: CookieConfig): number {
  const parts = splitValue(sealed, cookie.chunkSize);
  const names = parts.length === 1 ? [cookie.name] : parts.map((_, i) => chunkName(cookie.name, i));
  return parts.reduce((sum, part, i) => sum + names[i].length + 1 + part.length + ATTRIBUTES, 0);
}

export function fitsInCookies(sealed: string, cookie: CookieConfig): boolean {
  return sessionCookieBytes(sealed, cookie) <= cookie.maxBytes && splitValue(sealed, cookie.chunkSize).length <= maxChunks(cookie);
}

/** Splits a cookie value into pieces of at most `size` characters (JWE is ASCII). */
export function splitValue(value: string, size: number): string[] {
  if (value.length <= size) return [value];
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(value.slice(i, i + size));
  return parts;
}

/** Reassembles a session value: the plain cookie, or `.0`, `.1`, … in order, never more than a written one has. */
export function joinChunks(get: (name: string) => string | undefined, cookie: CookieConfig): string | undefined {
  const whole = get(cookie.name);
  if (whole) return whole;
  let value = '';
  for (let i = 0, n = maxChunks(cookie); i < n; i++) {
    const part = get(chunkName(cookie.name, i));
    if (!part) break;
    value += part;
  }
  return value || undefined;
}

/** Every cookie name that may hold part of the session, for clearing stale pieces. */
export function isSessionCookieName(name: string, base: string): boolean {
  return name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)));
}
