import { failureKind, logWarn } from '../log.ts';
import type { Session } from '../session/types.ts';
import type { OidcContext } from './context.ts';
import { verifyIdToken } from './id-token.ts';

/** Whether an ID token that came with a refresh may replace the session's: false keeps the one already checked. */
export type RefreshedIdTokenCheck = (idToken: string, accessToken: string, previous: Session) => Promise<boolean>;

/**
 * OpenID Connect Core §12.2: a refreshed ID token is checked as at sign-in (signature against the provider's keys,
 * issuer, audience, `at_hash`) and must name the same `sub`. One that fails is not kept; the refresh itself stands,
 * since its tokens came from the token endpoint over TLS and the refresh token is spent either way.
 */
export function refreshedIdTokenCheck(oidc: OidcContext): RefreshedIdTokenCheck {
  return async (idToken, accessToken, previous) => {
    try {
      const { issuer } = await oidc.discovery.metadata();
      const claims = await verifyIdToken(idToken, accessToken, oidc, issuer);
      if (previous.provider && claims.sub !== previous.provider.sub) {
        logWarn('oidc_refreshed_id_token_refused', { reason: 'sub_changed' });
        return false;
      }
      return true;
    } catch (error) {
      logWarn('oidc_refreshed_id_token_refused', { reason: failureKind(error) });
      return false;
    }
  };
}
