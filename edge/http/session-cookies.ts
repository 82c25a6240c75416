import type { NextRequest, NextResponse } from 'next/server';
import { markPersonal } from './cache-control.ts';
import type { CookieWrite } from '../session/cookie-writes.ts';

/** Writes the session cookies on a response, and marks it uncacheable by shared caches. */
export function setResponseCookies(res: NextResponse, writes: readonly CookieWrite[]): void {
  for (const w of writes) res.cookies.set(w.name, w.value, w.options);
  markPersonal(res.headers);
}

/**
 * Applies the same writes to the request Next forwards to pages and route handlers,
 * so they see the new session in this very request (Set-Cookie alone reaches only the browser).
 */
export function forwardRequestCookies(req: NextRequest, writes: readonly CookieWrite[], headers: Headers): void {
  for (const w of writes) {
    if (w.options.maxAge === 0) req.cookies.delete(w.name);
    else req.cookies.set(w.name, w.value);
  }
  const cookie = req.cookies.toString();
  if (cookie) headers.set('cookie', cookie);
  else headers.delete('cookie');
}
