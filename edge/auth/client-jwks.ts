import type { ClientAuthentication } from '../client-auth/authenticate.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';

/**
 * GET <auth>/jwks: the public half of AUTH_CLIENT_PRIVATE_KEY, for providers that fetch a client's keys from a
 * `jwks_uri` instead of a registered JWK. Public and cacheable: it holds nothing about anyone.
 */
export function clientJwks(client: ClientAuthentication): Response {
  const jwks = client.jwks();
  if (!jwks) return errorResponse(new BffError('not_found', 'No such auth endpoint.'));
  return Response.json(jwks, { headers: { 'cache-control': 'public, max-age=300', 'content-type': 'application/jwk-set+json' } });
}
