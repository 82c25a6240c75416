import type { NextRequest } from 'next/server';
import type { RouteConfig } from '../config/types.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import type { AuthEndpoint } from '../request/classify.ts';
import type { BffRuntime } from '../runtime.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { sessionInfo } from './session-info.ts';

type Handler = (req: NextRequest, rt: BffRuntime) => Promise<Response>;

/** Which method each endpoint answers. */
const ENDPOINTS: Record<AuthEndpoint, { method: 'GET' | 'POST'; handler: Handler }> = {
  login: { method: 'POST', handler: async (req, rt) => login(req, rt, await rt.policy.current()) },
  logout: { method: 'POST', handler: logout },
  session: { method: 'GET', handler: sessionInfo },
};

function endpointFor(pathname: string, routes: RouteConfig): AuthEndpoint | undefined {
  const prefix = `${routes.auth}/`;
  const name = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : '';
  return Object.hasOwn(ENDPOINTS, name) ? (name as AuthEndpoint) : undefined;
}

/**
 * A JSON 404 or 405 for anything under `routes.auth` that is not an endpoint; undefined when it is one. The middleware
 * answers with it before Next's router, which fails with a 500 on a catch-all segment that does not percent-decode.
 */
export function authRouteError(req: NextRequest, routes: RouteConfig): Response | undefined {
  const endpoint = endpointFor(req.nextUrl.pathname, routes);
  if (!endpoint) return errorResponse(new BffError('not_found', 'No such auth endpoint.'));
  const { method } = ENDPOINTS[endpoint];
  if (req.method !== method) return errorResponse(new BffError('method_not_allowed', `Use ${method}.`), { allow: method });
  return undefined;
}

/** Answers `<routes.auth>/<endpoint>` from one catch-all route file (`app/api/auth/[...bff]/route.ts`). */
export async function authRoute(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const error = authRouteError(req, rt.config.routes);
  if (error) return error;
  return ENDPOINTS[endpointFor(req.nextUrl.pathname, rt.config.routes) as AuthEndpoint].handler(req, rt);
}
