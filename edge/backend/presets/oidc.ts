import type { AuthConfig } from '../../config/types.ts';
import type { Discovery } from '../../oidc/discovery.ts';
import type { AdapterContext, BackendAdapter } from '../types.ts';
import { oauth2, revocationParams, tokenCall } from './oauth2.ts';

/**
 * An OpenID provider after sign-in (which happens at the provider: oidc/): refresh is RFC 6749's refresh_token grant
 * at the published token endpoint, read the same way as `oauth2` (only `invalid_grant` logs out), and logout revokes
 * the refresh token at the revocation endpoint when the provider has one (RFC 7009). The client authenticates the way
 * the provider publishes for each endpoint, unless AUTH_CLIENT_AUTH says otherwise.
 */
export function oidcAdapter(auth: AuthConfig, context: AdapterContext, discovery: Discovery): BackendAdapter {
  const { parseRefresh } = oauth2(auth, context);
  return {
    name: 'oidc',
    async refresh(refreshToken) {
      const { issuer, token_endpoint, token_endpoint_auth_methods_supported } = await discovery.metadata();
      const endpoint = { issuer, tokenEndpoint: token_endpoint, supported: token_endpoint_auth_methods_supported };
      return tokenCall(context.client, endpoint, token_endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken }, context.dpop);
    },
    parseRefresh,
    async logout({ accessToken, refreshToken }) {
      const doc = await discovery.metadata();
      if (!doc.revocation_endpoint) return null;
      const supported = doc.revocation_endpoint_auth_methods_supported ?? doc.token_endpoint_auth_methods_supported;
      const endpoint = { issuer: doc.issuer, tokenEndpoint: doc.token_endpoint, supported };
      return tokenCall(context.client, endpoint, doc.revocation_endpoint, revocationParams(accessToken, refreshToken));
    },
  };
}
