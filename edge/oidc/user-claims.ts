import { isObject, userFrom } from '../backend/presets/read-json.ts';
import type { User } from '../session/types.ts';

/**
 * Who signed in, from the ID token's claims and userinfo. The id is always the ID token's `sub` (the one identifier the
 * provider vouches for: a userinfo `id` field never replaces it). The email only when the same source says it is
 * verified (`email_verified`), unless OIDC_REQUIRE_VERIFIED_EMAIL=false: an unverified address is anyone's claim.
 */
export function oidcUser(claims: Record<string, unknown>, profile: unknown, requireVerifiedEmail: boolean): User {
  const info = isObject(profile) ? profile : {};
  const user: User = { id: String(claims.sub) };
  const name = userFrom({ ...claims, ...info, id: user.id })?.name;
  if (name !== undefined) user.name = name;
  const source = typeof info.email === 'string' ? info : claims;
  const verified = source.email_verified === true || source.email_verified === 'true';
  if (typeof source.email === 'string' && (verified || !requireVerifiedEmail)) user.email = source.email;
  return user;
}
