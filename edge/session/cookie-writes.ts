import type { CookieConfig } from '../config/types.ts';
import { chunkName, isSessionCookieName, splitValue } from './chunks.ts';

export interface CookieWrite {
  name: string;
  /** Empty string with `maxAge: 0` clears the cookie. */
  value: string;
  options: {
    httpOnly: true;
    sameSite: 'lax';
    path: '/';
    secure: boolean;
    expires?: Date;
    maxAge?: number;
  };
}

/**
 * The cookie writes that store `sealed` (or clear the session when null),
 * including clearing chunks the browser holds that the new value no longer uses.
 */
export function planSessionCookies(
  cookie: CookieConfig,
  sealed: string | null,
  expiresAt: number,
  presentNames: Iterable<string>,
): CookieWrite[] {
  const base = { httpOnly: true, sameSite: 'lax', path: '/', secure: cookie.secure } as const;
  const writes: CookieWrite[] = [];
  const written = new Set<string>();
  if (sealed !== null) {
    const parts = splitValue(sealed, cookie.chunkSize);
    parts.forEach((part, i) => {
      const name = parts.length === 1 ? cookie.name : chunkName(cookie.name, i);
      written.add(name);
      writes.push({ name, value: part, options: { ...base, expires: new Date(expiresAt) } });
    });
  }
  for (const name of presentNames) {
    if (!written.has(name) && isSessionCookieName(name, cookie.name)) {
      writes.push({ name, value: '', options: { ...base, maxAge: 0 } });
    }
  }
  return writes;
}
