import type { JWK } from 'jose';
import type { AuthConfig, ClientAuthMethod } from '../config/types.ts';
import { logInfo } from '../log.ts';
import { clientAssertion, JWT_BEARER_ASSERTION } from './assertion.ts';
import { basicAuthorization } from './form-encoding.ts';
import { importSigningKey, type SigningKey } from './signing-key.ts';

/** The endpoint a client-authenticated call goes to, as far as choosing and signing for it needs. */
export interface AuthenticatedEndpoint {
  /** The token endpoint URL: a client assertion's audience when no issuer is known. */
  tokenEndpoint: string;
  /** The provider's issuer identifier (OpenID discovery), the preferred assertion audience. */
  issuer?: string;
  /** What the provider publishes as supported here (`token_endpoint_auth_methods_supported` and kin). */
  supported?: readonly string[];
}

/** How this app authenticates as an OAuth client; one per process, shared by the token, revocation and PAR calls. */
export interface ClientAuthentication {
  /** Adds the credentials to a form body; returns the `Authorization` header value when the method uses one. */
  apply(endpoint: AuthenticatedEndpoint, body: URLSearchParams): Promise<string | undefined>;
  /** The public key set `<auth>/jwks` serves, with `private_key_jwt` only. */
  jwks(): { keys: JWK[] } | undefined;
}

type Method = ClientAuthMethod | 'none';

export async function clientAuthentication(auth: AuthConfig, now: () => number): Promise<ClientAuthentication> {
  const { clientId, clientSecret } = auth;
  const key: SigningKey | undefined = auth.clientAuth.privateKey && (await importSigningKey(auth.clientAuth.privateKey, 'AUTH_CLIENT_PRIVATE_KEY'));
  const logged = new Set<string>();

  function choose(supported: readonly string[] | undefined): { method: Method; from: string } {
    if (auth.clientAuth.method) return { method: auth.clientAuth.method, from: 'AUTH_CLIENT_AUTH' };
    const from = supported ? 'provider' : 'default';
    const offered = (m: ClientAuthMethod) => !supported || supported.includes(m);
    if (key && offered('private_key_jwt')) return { method: 'private_key_jwt', from };
    if (clientSecret) {
      // RFC 8414 §2: a provider that lists nothing supports client_secret_basic.
      const post = supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post');
      return { method: post ? 'client_secret_post' : 'client_secret_basic', from };
    }
    return { method: key ? 'private_key_jwt' : 'none', from };
  }

  return {
    async apply(endpoint, body) {
      const { method, from } = choose(endpoint.supported);
      if (!logged.has(`${method}:${from}`)) {
        logged.add(`${method}:${from}`);
        logInfo('client_auth_method', { method, from });
      }
      if (method === 'client_secret_basic') return basicAuthorization(clientId!, clientSecret!);
      if (clientId) body.set('client_id', clientId);
      if (method === 'client_secret_post') body.set('client_secret', clientSecret!);
      if (method === 'private_key_jwt') {
        const audience = auth.clientAuth.assertionAudience ?? endpoint.issuer ?? endpoint.tokenEndpoint;
        body.set('client_assertion_type', JWT_BEARER_ASSERTION);
        body.set('client_assertion', await clientAssertion(key!, clientId!, audience, now()));
      }
      return undefined;
    },
    jwks: () => (key ? { keys: [key.publicJwk] } : undefined),
  };
}
