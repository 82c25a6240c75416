import type { AuthConfig } from '../../config/types.ts';
import { authenticatedEndpoint, type Discovery } from '../../oidc/discovery.ts';
import type { AdapterContext, BackendAdapter } from '../types.ts';
import { oauth2, revocationParams, targetParams, tokenCall } from './oauth2.ts';

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
    async refresh(refreshToken, target) {
      const doc = await discovery.metadata();
      const params = { grant_type: 'refresh_token', refresh_token: refreshToken, ...targetParams(target) };
      return tokenCall(context.client, authenticatedEndpoint(doc), doc.token_endpoint, params, context.dpop);
    },
    parseRefresh,
    async logout({ accessToken, refreshToken }) {
      const doc = await discovery.metadata();
      if (!doc.revocation_endpoint) return null;
      const endpoint = authenticatedEndpoint(doc, doc.revocation_endpoint_auth_methods_supported ?? doc.token_endpoint_auth_methods_supported);
      return tokenCall(context.client, endpoint, doc.revocation_endpoint, revocationParams(accessToken, refreshToken));
    },
  };
}
