import type { BffConfig, RouteConfig } from '../config/types.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';

/** The BFF's own endpoints under `routes.auth`. */
export type AuthEndpoint = 'login' | 'logout' | 'session' | 'sessions' | 'callback' | 'backchannel-logout' | 'jwks' | 'diagnostics';

type Method = 'GET' | 'POST';

/**
 * Which endpoints exist, and with which method: with an OpenID provider, login is a GET that goes there, and the
 * provider calls back (`callback`) and signs users out from its side (`backchannel-logout`). `jwks` publishes the
 * client's public key, and exists only when the client signs its authentication (`private_key_jwt`); `diagnostics`
 * only where config/diagnostics.ts allows it.
 */
export function authEndpoints(config: Pick<BffConfig, 'auth' | 'diagnostics'>): Partial<Record<AuthEndpoint, Method>> {
  const table: Partial<Record<AuthEndpoint, Method>> =
    config.auth.preset === 'oidc'
      ? { login: 'GET', callback: 'GET', logout: 'POST', session: 'GET', sessions: 'GET', 'backchannel-logout': 'POST' }
      : { login: 'POST', logout: 'POST', session: 'GET', sessions: 'GET' };
  if (config.auth.clientAuth.privateKey) table.jwks = 'GET';
  if (config.diagnostics.enabled) table.diagnostics = 'GET';
  return table;
}

export function authEndpointPath(routes: RouteConfig, endpoint: AuthEndpoint): string {
  return `${routes.auth}/${endpoint}`;
}

/** The endpoint a request addresses, or the JSON 404/405 to answer instead. */
export function authEndpointFor(req: { method: string; nextUrl: URL }, config: Pick<BffConfig, 'auth' | 'routes' | 'diagnostics'>): AuthEndpoint | Response {
  const prefix = `${config.routes.auth}/`;
  const { pathname } = req.nextUrl;
  const name = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : '';
  const table = authEndpoints(config);
  const method = Object.hasOwn(table, name) ? table[name as AuthEndpoint] : undefined;
  if (!method) return errorResponse(new BffError('not_found', 'No such auth endpoint.'));
  if (req.method !== method) return errorResponse(new BffError('method_not_allowed', `Use ${method}.`), { allow: method });
  return name as AuthEndpoint;
}
