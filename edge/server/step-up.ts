import type { BffConfig } from '../config/types.ts';
import { authEndpointPath } from '../auth/endpoints.ts';
import { loginLocation } from '../guard/redirect.ts';
import type { Session } from '../session/types.ts';

/** The login page's `reason` for a sign-in asked again by step-up; the middleware lets signed-in users see it then. */
export const REAUTHENTICATE = 'reauthenticate';

/**
 * Whether the user proved who they are within `maxAgeSeconds`. A password sign-in is such a proof at `signedInAt`; a
 * provider's sign-in counts only by its `auth_time`: without one, a silent SSO sign-in (no credentials asked) cannot
 * be told from a fresh authentication, so it is not recent. The step-up asks with `max_age`, which makes the provider
 * re-authenticate if needed and send `auth_time` (OpenID Connect Core §2).
 */
export function recentlyAuthenticated(session: Session, maxAgeSeconds: number, now: number): boolean {
  const at = authenticatedAt(session);
  return at !== undefined && now - at <= maxAgeSeconds * 1000;
}

/** When the user last proved who they are, where known (see recentlyAuthenticated). */
export const authenticatedAt = (session: Session): number | undefined =>
  session.authenticatedAt ?? (session.provider ? undefined : session.signedInAt);

/**
 * Where a step-up sends the user: the OpenID provider with `max_age` (which then re-authenticates and vouches for it
 * in `auth_time`), or the login page with `reason=reauthenticate`; back to `nextPath` either way.
 */
export function stepUpLocation(config: BffConfig, nextPath: string, maxAgeSeconds: number): string {
  if (config.auth.oidc) return `${authEndpointPath(config.routes, 'login')}?${new URLSearchParams({ next: nextPath, max_age: String(maxAgeSeconds) })}`;
  return loginLocation(config.routes.loginPage, nextPath, REAUTHENTICATE);
}
