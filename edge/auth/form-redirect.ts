import type { BffError } from '../errors';
import { NO_STORE } from '../http/cache-control';

/** A 303 for browser form posts: the answer to a POST becomes a GET of `location`. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': NO_STORE } });
}

/** Sends a no-JavaScript login back to the login page with the error to show. */
export function loginErrorLocation(loginPath: string, error: BffError, next?: string): string {
  const params = new URLSearchParams({ error: error.code, message: error.message.slice(0, 200) });
  if (error.retryAfter !== undefined) params.set('retryAfter', String(error.retryAfter));
  if (next) params.set('next', next);
  return `${loginPath}?${params}`;
}
