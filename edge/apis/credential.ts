import type { ApiConfig } from '../config/types.ts';
import type { DpopSigner } from '../dpop/signer.ts';
import { BffError } from '../errors.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { mayUseUser, needsUser, ownUserToken, usesClientToken } from './policies.ts';

/** What a call to an API carries: an access token (with a DPoP proof when it is bound to the app's key), or nothing. */
export interface Credential {
  token?: string;
  dpop?: DpopSigner;
}

export const unauthenticated = () => new BffError('unauthenticated', 'Sign in to use this API.');

/**
 * The token policy of `api` for this request: the user's token when the policy takes it and someone is signed in
 * (the API's own when it has a resource or scope), else the BFF's own client-credentials token where the policy
 * allows it, else nothing (`none`, or `user-or-none` signed out). `user` without a session is refused; a user's token
 * that is missing or dead is never sent: `renewalError` (why it could not be renewed; 503, Retry-After) instead.
 */
export async function credentialFor(
  api: ApiConfig,
  session: Session | null,
  rt: Pick<BffRuntime, 'clientTokens' | 'dpop' | 'now'>,
  renewalError?: BffError,
): Promise<Credential | BffError> {
  if (session && mayUseUser(api)) {
    const own = ownUserToken(api) ? session.apis?.[api.name] : undefined;
    const token = own ?? { accessToken: session.accessToken, expiresAt: session.accessExpiresAt };
    if ((ownUserToken(api) && !own) || token.expiresAt <= rt.now()) {
      return renewalError ?? new BffError('refresh_unavailable', 'No token for this API right now.', { retryAfter: 5 });
    }
    return { token: token.accessToken, dpop: rt.dpop };
  }
  if (needsUser(api)) return unauthenticated();
  return usesClientToken(api) ? rt.clientTokens.get(api) : {};
}
