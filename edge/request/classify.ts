import { percentDecoded } from '../http/percent-decode';

export type RouteKind = 'backend' | 'auth' | 'login' | 'protected' | 'public';

export const BACKEND_PREFIX = '/api/backend';
const AUTH_PREFIX = '/api/auth';

export const LOGIN_ROUTE = `${AUTH_PREFIX}/login`;
export const LOGOUT_ROUTE = `${AUTH_PREFIX}/logout`;

export interface RouteTable {
  protectedPaths: readonly string[];
  loginPath: string;
}

function under(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** What kind of request this is, from its path alone. */
export function classify(pathname: string, routes: RouteTable): RouteKind {
  if (under(pathname, BACKEND_PREFIX)) return 'backend';
  if (under(pathname, AUTH_PREFIX)) return 'auth';
  if (pathname === routes.loginPath) return 'login';
  // Pages are matched decoded (`/%64ashboard` is `/dashboard`); a path that does not decode is kept protected.
  const decoded = percentDecoded(pathname);
  if (decoded === undefined || routes.protectedPaths.some((p) => under(decoded, p))) return 'protected';
  return 'public';
}

