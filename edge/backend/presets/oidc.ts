import type { AuthConfig } from '../../config/types.ts';
import type { Discovery } from '../../oidc/discovery.ts';
import type { BackendAdapter } from '../types.ts';
import { oauth2, tokenCall } from './oauth2.ts';

/**
 * An OpenID provider after sign-in (which happens at the provider: oidc/): refresh is RFC 6749's refresh_token grant
 * at the published token endpoint, read the same way as `oauth2` (only `invalid_grant` logs out), and logout revokes
 * the refresh token at the revocation endpoint when the provider has one (RFC 7009).
 */
export function oidcAdapter(auth: AuthConfig, discovery: Discovery): BackendAdapter {
  const { parseRefresh } = oauth2(auth);
  return {
    name: 'oidc',
    async refresh(refreshToken) {
      const { token_endpoint } = await discovery.metadata();
      return tokenCall(auth, token_endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken });
    },
    parseRefresh,
    async logout({ accessToken, refreshToken }) {
      const { revocation_endpoint } = await discovery.metadata();
      if (!revocation_endpoint) return null;
      return tokenCall(auth, revocation_endpoint, refreshToken ? { token: refreshToken, token_type_hint: 'refresh_token' } : { token: accessToken, token_type_hint: 'access_token' });
    },
  };
}
