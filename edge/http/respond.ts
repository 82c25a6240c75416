import type { NextRequest } from 'next/server';
import { NextResponse } from './next-response.ts';
import type { CookieWrite } from '../session/cookie-writes.ts';
import { forwardRequestCookies, setResponseCookies } from './session-cookies.ts';

/** Next's encoding of request-header overrides on a middleware response (what `NextResponse.next({ request })` writes). */
const OVERRIDE_LIST = 'x-middleware-override-headers';
const OVERRIDE_PREFIX = 'x-middleware-request-';
const INTERNAL_PREFIX = 'x-middleware-';

/** Adds the session cookie writes to a finished response (a redirect, a JSON error, a proxied answer). */
export function withCookies(response: Response, writes: readonly CookieWrite[]): Response {
  if (writes.length === 0) return response;
  const res = new NextResponse(response.body, response);
  setResponseCookies(res, writes);
  return res;
}

/** True when the client sent headers that only Next itself may set. */
export function hasInternalHeaders(headers: Headers): boolean {
  for (const name of headers.keys()) if (name.startsWith(INTERNAL_PREFIX)) return true;
  return false;
}

/**
 * Lets the request continue to the page or route handler. With no cookie change and nothing to strip, that is a bare
 * `next()` (the cheap path); otherwise the forwarded request carries the new `Cookie` header, so Server Components see
 * the new session in this same request.
 */
export function continueRequest(req: NextRequest, writes: readonly CookieWrite[], stripInternal: boolean): Response {
  return applyContinuation(req, writes, stripInternal, NextResponse.next());
}

/**
 * Puts the BFF's changes on a response the app's own middleware made (`next()`, a rewrite, a redirect): Set-Cookie,
 * and the forwarded request's `Cookie` header merged into whatever request headers the app overrides itself.
 * Client-sent `x-middleware-*` headers never reach the page.
 */
export function applyContinuation(req: NextRequest, writes: readonly CookieWrite[], stripInternal: boolean, response: Response): Response {
  if (writes.length === 0 && !stripInternal) return response;
  const res = response instanceof NextResponse ? response : new NextResponse(response.body, response);
  const listed = res.headers.get(OVERRIDE_LIST);
  if (listed === null) {
    // The app left request headers alone: the override set is the request's own headers, cleaned and updated.
    const headers = new Headers();
    req.headers.forEach((value, name) => {
      if (!name.startsWith(INTERNAL_PREFIX)) headers.set(name, value);
    });
    if (writes.length) forwardRequestCookies(req, writes, headers);
    res.headers.set(OVERRIDE_LIST, [...headers.keys()].join(','));
    headers.forEach((value, name) => res.headers.set(OVERRIDE_PREFIX + name, value));
  } else {
    const names = new Set(listed.split(',').filter((n) => n && !n.startsWith(INTERNAL_PREFIX)));
    for (const name of [...res.headers.keys()]) {
      if (name.startsWith(OVERRIDE_PREFIX + INTERNAL_PREFIX)) res.headers.delete(name);
    }
    if (writes.length) {
      const headers = new Headers();
      forwardRequestCookies(req, writes, headers);
      const cookie = headers.get('cookie');
      if (cookie === null) {
        names.delete('cookie');
        res.headers.delete(`${OVERRIDE_PREFIX}cookie`);
      } else {
        names.add('cookie');
        res.headers.set(`${OVERRIDE_PREFIX}cookie`, cookie);
      }
    }
    res.headers.set(OVERRIDE_LIST, [...names].join(','));
  }
  if (writes.length) setResponseCookies(res, writes);
  return res;
}
