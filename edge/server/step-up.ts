import type { BffConfig } from '../config/types.ts';
import { authEndpointPath } from '../auth/endpoints.ts';
import { loginLocation } from '../guard/redirect.ts';
import type { Session } from '../session/types.ts';

/** The login page's `reason` for a sign-in asked again by step-up; the middleware lets signed-in users see it then. */
export const REAUTHENTICATE = 'reauthenticate';

/** Whether the user proved who they are within `maxAgeSeconds` (the provider's `auth_time` where there is one). */
export function recentlyAuthenticated(session: Session, maxAgeSeconds: number, now: number): boolean {
  const at = session.authenticatedAt ?? session.signedInAt;
  return at !== undefined && now - at <= maxAgeSeconds * 1000;
}

/**
 * Where a step-up sends the user: the OpenID provider with `max_age` (which then re-authenticates and vouches for it
 * in `auth_time`), or the login page with `reason=reauthenticate`; back to `nextPath` either way.
 */
export function stepUpLocation(config: BffConfig, nextPath: string, maxAgeSeconds: number): string {
  if (config.auth.oidc) return `${authEndpointPath(config.routes, 'login')}?${new URLSearchParams({ next: nextPath, max_age: String(maxAgeSeconds) })}`;
  return loginLocation(config.routes.loginPage, nextPath, REAUTHENTICATE);
}
