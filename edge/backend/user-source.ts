import { decodeJwt } from 'jose';
import type { BffConfig } from '../config/types.ts';
import type { User } from '../session/types.ts';
import { callBackend } from './call.ts';
import { isObject, userFrom } from './presets/read-json.ts';
import type { BackendCall, TokenGrant } from './types.ts';
import type { DpopSigner } from '../dpop/signer.ts';

/** Everything known about the user at sign-in, for a `mapUser` option to pick from. Never a token. */
export interface UserSource {
  /** The backend's login answer, as JSON. */
  login: unknown;
  /** What the preset read from it (`id`, `email`, `name`), when it had a user. */
  user?: User;
  /** The profile endpoint's answer, when AUTH_PROFILE_PATH is set. */
  profile?: unknown;
  /** The access token's claims, when it is a JWT (decoded, not verified: see AUTH_JWKS_URL for that). */
  claims?: Record<string, unknown>;
}

/** Turns what the backend said into the app's `User` (extended by module augmentation, e.g. with roles). */
export type UserMapper = (source: UserSource) => User | undefined | Promise<User | undefined>;

export interface UserDeps {
  config: BffConfig;
  fetch: typeof fetch;
  mapUser?: UserMapper;
  dpop?: DpopSigner;
}

/**
 * The user of a fresh login. By default: from the login answer when it has one, else the profile endpoint (when
 * configured), else the access token's claims (`sub`/`user_id`, `email`, `name`). With `mapUser`, every source is
 * read and the mapper decides; what it returns is stored in the session cookie, so keep it small.
 */
export async function userForGrant(grant: TokenGrant, login: unknown, deps: UserDeps): Promise<User | undefined> {
  const { config, mapUser } = deps;
  if (!mapUser) {
    if (grant.user) return grant.user;
    if (config.auth.paths.profile) return profileUser(await fetchProfile(grant.accessToken, deps));
    return userFrom(claimsOf(grant.accessToken));
  }
  const profile = config.auth.paths.profile ? await fetchProfile(grant.accessToken, deps) : undefined;
  return mappedUser(mapUser, { login, user: grant.user, profile, claims: claimsOf(grant.accessToken) });
}

/** The app's mapper, trusted only for a user with a non-empty string `id` (anything else refuses the sign-in). */
export async function mappedUser(mapUser: UserMapper, source: UserSource): Promise<User | undefined> {
  const user = await mapUser(source);
  return isObject(user) && typeof user.id === 'string' && user.id ? user : undefined;
}

async function fetchProfile(accessToken: string, { config, fetch: fetchImpl, dpop }: UserDeps): Promise<unknown> {
  const call: BackendCall = dpop
    ? { path: config.auth.paths.profile!, method: 'GET', headers: { authorization: `DPoP ${accessToken}` }, dpop: { signer: dpop, accessToken } }
    : { path: config.auth.paths.profile!, method: 'GET', headers: { authorization: `Bearer ${accessToken}` } };
  const reply = await callBackend(config.backendUrl, call, config.backendTimeoutMs, fetchImpl);
  return reply.status >= 200 && reply.status < 300 ? reply.json : undefined;
}

function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** Profile endpoints answer `{ data: { user } }`, `{ data: user }`, `{ user }` or the user itself. */
function profileUser(json: unknown): User | undefined {
  if (!isObject(json)) return undefined;
  const data = json.data;
  return userFrom(isObject(data) && isObject(data.user) ? data.user : data) ?? userFrom(json.user) ?? userFrom(json);
}
