import type { AuthenticatedEndpoint } from '../client-auth/authenticate.ts';
import { BffError } from '../errors.ts';

/** What the BFF reads from an OpenID provider's discovery document (OpenID Connect Discovery 1.0 §3). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  backchannel_logout_supported?: boolean;
  token_endpoint_auth_methods_supported?: string[];
  revocation_endpoint_auth_methods_supported?: string[];
  pushed_authorization_request_endpoint?: string;
  require_pushed_authorization_requests?: boolean;
  [other: string]: unknown;
}

/**
 * How the client authenticates at one of the provider's endpoints, as client-auth/authenticate.ts needs it: the
 * issuer and token endpoint (assertion audiences) and what the provider lists there (its token endpoint's list unless
 * `supported` names another).
 */
export function authenticatedEndpoint(
  doc: { issuer: string; token_endpoint?: string; token_endpoint_auth_methods_supported?: readonly string[] },
  supported = doc.token_endpoint_auth_methods_supported,
): AuthenticatedEndpoint {
  return { issuer: doc.issuer, tokenEndpoint: doc.token_endpoint!, supported };
}

export interface Discovery {
  /** The provider's metadata, read once and reused for `ttlMs`; a failure is retried on the next call. */
  metadata(): Promise<ProviderMetadata>;
}

const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

/**
 * Reads `<issuer>/.well-known/openid-configuration`. The document must name exactly the configured issuer (§4.3: a
 * provider that answers for another issuer is refused) and publish the endpoints the flow needs. Kept free of the
 * OAuth client library so the edge middleware, which only refreshes, stays small.
 */
export function discovery(issuer: URL, options: { fetch: typeof fetch; now: () => number; ttlMs: number; timeoutMs: number }): Discovery {
  let cached: { at: number; value: Promise<ProviderMetadata> } | undefined;
  const expected = issuer.href.replace(/\/$/, '');
  async function load(): Promise<ProviderMetadata> {
    const url = new URL(`${issuer.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`, issuer);
    const res = await options.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs), cache: 'no-store' });
    const doc = (await res.json().catch(() => undefined)) as Partial<ProviderMetadata> | undefined;
    if (!res.ok || !doc || typeof doc !== 'object') throw new BffError('backend_unavailable', 'The identity provider is unavailable.', { retryAfter: 5 });
    if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/$/, '') !== expected) {
      throw new BffError('backend_error', 'The identity provider names another issuer than OIDC_ISSUER.');
    }
    for (const field of REQUIRED) {
      if (typeof doc[field] !== 'string') throw new BffError('backend_error', `The identity provider publishes no ${field}.`);
    }
    return doc as ProviderMetadata;
  }
  return {
    metadata() {
      const t = options.now();
      if (!cached || t - cached.at > options.ttlMs) {
        const value = load();
        cached = { at: t, value };
        value.catch(() => {
          if (cached?.value === value) cached = undefined;
        });
      }
      return cached.value;
    },
  };
}
