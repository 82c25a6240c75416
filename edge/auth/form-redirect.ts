import type { NextRequest } from 'next/server';
import { redirectTo } from '../guard/redirect.ts';
import { markPersonal } from '../http/cache-control.ts';
import { publicOriginString, type OriginConfig } from '../request/public-origin.ts';

/**
 * A 303 for browser form posts: the answer to a POST becomes a GET of `path`. The Location is
 * absolute on the app's public origin (request/public-origin.ts): middleware
 * responses need an absolute URL, and under `next start` the request URL says localhost.
 */
export function seeOther(req: NextRequest, config: OriginConfig, path: string): Response {
  const res = redirectTo(path, new URL(publicOriginString(req, config)), 303);
  markPersonal(res.headers);
  return res;
}

/**
 * Sends a browser sign-in back to the login page with the error's code (and wait), never its text: a page showing
 * text from its URL would show anyone's words on the real origin. The page picks its sentence (loginErrorMessage).
 * Codes another party chose (an OpenID provider's `access_denied`) are kept only if they look like one.
 */
export function loginErrorLocation(loginPath: string, error: { code: string; retryAfter?: number }, next?: string): string {
  const params = new URLSearchParams({ error: /^[a-z_]{1,40}$/.test(error.code) ? error.code : 'backend_rejected' });
  if (error.retryAfter !== undefined) params.set('retryAfter', String(error.retryAfter));
  if (next) params.set('next', next);
  return `${loginPath}?${params}`;
}
