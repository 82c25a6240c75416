import * as oauth from 'oauth4webapi';
import type { OidcContext } from './context.ts';
import { authenticatedEndpoint } from './discovery.ts';

/** oauth4webapi's view of the provider and of this client, from the shared discovery. */
export async function oauthClient(oidc: OidcContext, timeoutMs: number) {
  const as = (await oidc.discovery.metadata()) as oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: oidc.auth.clientId };
  // Our client authentication, not oauth4webapi's: its Basic encoding percent-encodes `-`, `.` and `_`, which servers
  // that do not decode refuse, and the method follows what the provider publishes (client-auth/authenticate.ts).
  const clientAuth: oauth.ClientAuth = async (server, _client, body, headers) => {
    const authorization = await oidc.client.apply(authenticatedEndpoint(server), body);
    if (authorization) headers.set('authorization', authorization);
  };
  // Plain http only where config allowed it: a loopback issuer (config/load.ts).
  const insecure = oidc.auth.oidc.issuer.protocol === 'http:';
  // AUTH_DPOP=1: oauth4webapi signs the proofs of the sign-in's own calls with the app's key (code exchange, PAR, userinfo).
  const DPoP = oidc.dpop && oauth.DPoP(client, oidc.dpop.keyPair);
  const http = () => ({ [oauth.customFetch]: oidc.fetch, [oauth.allowInsecureRequests]: insecure, signal: AbortSignal.timeout(timeoutMs), ...(DPoP ? { DPoP } : {}) });
  return { as, client, clientAuth, http };
}

/** Runs a request and the reading of its answer, once more when the provider answered with a DPoP nonce challenge (RFC 9449 §8). */
export async function withDpopNonce<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (oauth.isDPoPNonceError(error)) return run();
    throw error;
  }
}

export { oauth };
