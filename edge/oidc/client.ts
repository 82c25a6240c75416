import * as oauth from 'oauth4webapi';
import type { OidcContext } from './context.ts';

/** oauth4webapi's view of the provider and of this client, from the shared discovery. */
export async function oauthClient(oidc: OidcContext, timeoutMs: number) {
  const as = (await oidc.discovery.metadata()) as oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: oidc.auth.clientId };
  const clientAuth = oidc.auth.clientAuth === 'body' ? oauth.ClientSecretPost(oidc.auth.clientSecret) : oauth.ClientSecretBasic(oidc.auth.clientSecret);
  // Plain http only where config allowed it: a loopback issuer (config/load.ts).
  const insecure = oidc.auth.oidc.issuer.protocol === 'http:';
  const http = () => ({ [oauth.customFetch]: oidc.fetch, [oauth.allowInsecureRequests]: insecure, signal: AbortSignal.timeout(timeoutMs) });
  return { as, client, clientAuth, http };
}

export { oauth };
