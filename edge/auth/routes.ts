import type { NextRequest } from 'next/server';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { backchannelLogout } from '../oidc/backchannel-logout.ts';
import { finishSignIn } from '../oidc/callback.ts';
import type { OidcContext } from '../oidc/context.ts';
import { startSignIn } from '../oidc/sign-in.ts';
import type { BffRuntime } from '../runtime.ts';
import { diagnostics } from '../diagnostics/endpoint.ts';
import { clientJwks } from './client-jwks.ts';
import { authEndpointFor, type AuthEndpoint } from './endpoints.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { sessionInfo, sessionList } from './session-info.ts';

type Handler = (req: NextRequest, rt: BffRuntime) => Promise<Response>;
type OidcHandler = (req: NextRequest, rt: BffRuntime, oidc: OidcContext) => Promise<Response>;

const oidcOnly = (handler: OidcHandler): Handler => (req, rt) =>
  rt.oidc ? handler(req, rt, rt.oidc) : Promise.resolve(errorResponse(new BffError('not_found', 'No such auth endpoint.')));

/** Who answers each endpoint (which exist, and with which method, is auth/endpoints.ts). */
const HANDLERS: Record<AuthEndpoint, Handler> = {
  login: async (req, rt) => (req.method === 'GET' && rt.oidc ? startSignIn(req, rt, rt.oidc) : login(req, rt, await rt.policy.current())),
  logout,
  session: sessionInfo,
  sessions: sessionList,
  callback: oidcOnly(finishSignIn),
  'backchannel-logout': oidcOnly(backchannelLogout),
  jwks: async (_req, rt) => clientJwks(rt.client),
  diagnostics,
};

/** Answers `<routes.auth>/<endpoint>` from one catch-all route file; anything else is a JSON 404 or 405. */
export async function authRoute(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const endpoint = authEndpointFor(req, rt.config);
  return endpoint instanceof Response ? endpoint : HANDLERS[endpoint](req, rt);
}
