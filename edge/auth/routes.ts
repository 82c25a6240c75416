import type { NextRequest } from 'next/server';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import type { AuthEndpoint } from '../request/classify.ts';
import type { BffRuntime } from '../runtime.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { sessionInfo } from './session-info.ts';

type Handler = (req: NextRequest, rt: BffRuntime) => Promise<Response>;

/** Which method each endpoint answers; the middleware answers login itself, these serve routes it does not match. */
const ENDPOINTS: Record<AuthEndpoint, { method: 'GET' | 'POST'; handler: Handler }> = {
  login: { method: 'POST', handler: async (req, rt) => login(req, rt, await rt.policy.current()) },
  logout: { method: 'POST', handler: logout },
  session: { method: 'GET', handler: sessionInfo },
};

/** Answers `<routes.auth>/<endpoint>` from one catch-all route file; anything else is a JSON 404 or 405. */
export async function authRoute(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const { pathname } = req.nextUrl;
  const prefix = `${rt.config.routes.auth}/`;
  const name = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : '';
  const endpoint = Object.hasOwn(ENDPOINTS, name) ? ENDPOINTS[name as AuthEndpoint] : undefined;
  if (!endpoint) return errorResponse(new BffError('not_found', 'No such auth endpoint.'));
  if (req.method !== endpoint.method) {
    return errorResponse(new BffError('method_not_allowed', `Use ${endpoint.method}.`), { allow: endpoint.method });
  }
  return endpoint.handler(req, rt);
}
