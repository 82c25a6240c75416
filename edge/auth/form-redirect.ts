import type { NextRequest } from 'next/server';
import type { BffError } from '../errors.ts';
import { redirectTo } from '../guard/redirect.ts';
import { NO_STORE } from '../http/cache-control.ts';
import { publicOriginString, type OriginConfig } from '../request/public-origin.ts';

/**
 * A 303 for browser form posts: the answer to a POST becomes a GET of `path`. The Location is
 * absolute on the app's public origin (request/public-origin.ts): middleware
 * responses need an absolute URL, and under `next start` the request URL says localhost.
 */
export function seeOther(req: NextRequest, config: OriginConfig, path: string): Response {
  const res = redirectTo(path, new URL(publicOriginString(req, config)), 303);
  res.headers.set('cache-control', NO_STORE);
  return res;
}

/**
 * Sends a no-JavaScript login back to the login page with the error to show. `code` replaces the error's own code
 * when another party named the failure (an OpenID provider's `access_denied`); it is kept only if it looks like one.
 */
export function loginErrorLocation(loginPath: string, error: BffError, next?: string, code?: string): string {
  const shown = code && /^[a-z_]{1,40}$/.test(code) ? code : error.code;
  const params = new URLSearchParams({ error: shown, message: error.message.slice(0, 200) });
  if (error.retryAfter !== undefined) params.set('retryAfter', String(error.retryAfter));
  if (next) params.set('next', next);
  return `${loginPath}?${params}`;
}
