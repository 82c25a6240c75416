import type { ApiConfig, RouteConfig } from '../config/types.ts';
import { percentDecoded } from '../http/percent-decode.ts';

export type RouteKind = 'backend' | 'auth' | 'login' | 'protected' | 'public';

export function under(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The API whose prefix this path is under, if any. */
export function apiAt(pathname: string, apis: readonly ApiConfig[]): ApiConfig | undefined {
  return apis.find((api) => under(pathname, api.prefix));
}

/** What kind of request this is, from its path alone. `backend`: under one of the APIs' prefixes. */
export function classify(pathname: string, routes: RouteConfig, protectedPaths: readonly string[], apis: readonly ApiConfig[]): RouteKind {
  if (apiAt(pathname, apis)) return 'backend';
  if (under(pathname, routes.auth)) return 'auth';
  if (pathname === routes.loginPage) return 'login';
  // Pages are matched decoded (`/%64ashboard` is `/dashboard`); a path that does not decode is kept protected.
  const decoded = percentDecoded(pathname);
  if (decoded === undefined || protectedPaths.some((p) => under(decoded, p))) return 'protected';
  return 'public';
}
