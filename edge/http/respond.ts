import { NextResponse, type NextRequest } from 'next/server';
import { forwardRequestCookies, setResponseCookies } from '../session/apply';
import type { CookieWrite } from '../session/cookie-writes';

/** Adds the session cookie writes to a finished response (a redirect, a JSON error, a proxied answer). */
export function withCookies(response: Response, writes: readonly CookieWrite[]): Response {
  if (writes.length === 0) return response;
  const res = new NextResponse(response.body, response);
  setResponseCookies(res, writes);
  return res;
}

/** True when the client sent headers that only Next itself may set. */
export function hasInternalHeaders(headers: Headers): boolean {
  for (const name of headers.keys()) if (name.startsWith('x-middleware-')) return true;
  return false;
}

/**
 * Lets the request continue to the page or route handler. With no cookie change and nothing to
 * strip, that is a bare `next()` (the cheap path); otherwise the forwarded request carries the new
 * `Cookie` header, so Server Components see the new session in this same request.
 */
export function continueRequest(req: NextRequest, writes: readonly CookieWrite[], stripInternal: boolean): Response {
  if (writes.length === 0 && !stripInternal) return NextResponse.next();
  const headers = new Headers();
  req.headers.forEach((value, name) => {
    if (!name.startsWith('x-middleware-')) headers.set(name, value);
  });
  if (writes.length) forwardRequestCookies(req, writes, headers);
  const res = NextResponse.next({ request: { headers } });
  if (writes.length) setResponseCookies(res, writes);
  return res;
}
