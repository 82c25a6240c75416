import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { ClientAuthentication } from '../client-auth/authenticate.ts';
import type { DpopSigner } from '../dpop/signer.ts';
import type { AuthConfig, OidcConfig } from '../config/types.ts';
import type { Discovery } from './discovery.ts';

/** What the OpenID routes share for the life of the process: the client's settings, discovery, the provider's keys. */
export interface OidcContext {
  auth: AuthConfig & { oidc: OidcConfig; clientId: string };
  discovery: Discovery;
  client: ClientAuthentication;
  /** AUTH_DPOP=1: the code exchange, PAR, userinfo and refresh carry proofs, so tokens are bound to the app's key. */
  dpop?: DpopSigner;
  /** The provider's JSON Web Key Set (jose caches it and refetches on an unknown `kid`). */
  keys(): Promise<JWTVerifyGetKey>;
  fetch: typeof fetch;
}

export function oidcContext(
  auth: AuthConfig,
  discovery: Discovery,
  { client, dpop }: { client: ClientAuthentication; dpop?: DpopSigner },
  fetchImpl: typeof fetch,
): OidcContext | undefined {
  if (!auth.oidc || !auth.clientId) return undefined;
  let keys: { uri: string; set: JWTVerifyGetKey } | undefined;
  return {
    auth: auth as OidcContext['auth'],
    discovery,
    client,
    dpop,
    fetch: fetchImpl,
    async keys() {
      const { jwks_uri } = await discovery.metadata();
      if (keys?.uri !== jwks_uri) keys = { uri: jwks_uri, set: createRemoteJWKSet(new URL(jwks_uri), { [customFetch]: fetchImpl }) };
      return keys.set;
    },
  };
}
