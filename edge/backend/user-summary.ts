import { decodeJwt } from 'jose';
import type { BffConfig } from '../config/types';
import type { UserSummary } from '../session/types';
import { callBackend } from './call';
import { isObject, userFrom } from './presets/read-json';
import type { TokenGrant } from './types';

/**
 * The user summary of a fresh login: from the login answer when it has one, else the profile
 * endpoint (when configured), else the access token's claims (`sub`/`user_id`, `email`, `name`).
 */
export async function userForGrant(grant: TokenGrant, config: BffConfig, fetchImpl: typeof fetch): Promise<UserSummary | undefined> {
  if (grant.user) return grant.user;
  const { profile } = config.auth.paths;
  if (profile) {
    const reply = await callBackend(
      config.backendUrl,
      { path: profile, method: 'GET', headers: { authorization: `Bearer ${grant.accessToken}` } },
      config.backendTimeoutMs,
      fetchImpl,
    );
    if (reply.status >= 200 && reply.status < 300) return profileUser(reply.json);
    return undefined;
  }
  try {
    return userFrom(decodeJwt(grant.accessToken));
  } catch {
    return undefined;
  }
}

/** Profile endpoints answer `{ data: { user } }`, `{ data: user }`, `{ user }` or the user itself. */
function profileUser(json: unknown): UserSummary | undefined {
  if (!isObject(json)) return undefined;
  const data = json.data;
  return userFrom(isObject(data) && isObject(data.user) ? data.user : data) ?? userFrom(json.user) ?? userFrom(json);
}
