import { BffError } from '../errors.ts';
import { logWarn } from '../log.ts';
import { publicOrigin, type OriginConfig } from './public-origin.ts';
import type { CookieConfig } from '../config/types.ts';

/** Hosts where browsers keep `Secure` cookies over plain http (Chrome and Firefox treat them as secure contexts). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/** Whether a browser would drop this app's cookies when it is served as `proto://host`. */
export function dropsSecureCookies(cookie: CookieConfig, proto: string, host: string): boolean {
  return cookie.secure && proto === 'http' && !LOOPBACK.test(host);
}

/**
 * A sign-in that would end in a cookie the browser drops: `Secure` cookies (production's default) served over plain
 * http on any host but localhost. Said up front, with a log line, instead of a sign-in that silently does nothing.
 */
export function droppedCookieError(req: { headers: Headers; nextUrl: URL }, config: OriginConfig & { cookie: CookieConfig }): BffError | undefined {
  const { host, proto } = publicOrigin(req, config);
  if (!dropsSecureCookies(config.cookie, proto, host)) return undefined;
  logWarn('login_insecure_transport', { fix: 'serve over https, or COOKIE_SECURE=false for a trial on plain http' });
  return new BffError(
    'insecure_transport',
    'This site is served over plain http, so the browser would drop its Secure session cookie. Serve it over https (or set COOKIE_SECURE=false for a trial).',
  );
}
