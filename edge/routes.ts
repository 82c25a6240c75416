/**
 * `next-edge-bff/routes`: the auth endpoints as Next route handlers, from one catch-all route file:
 *
 *   // app/api/auth/[...bff]/route.ts
 *   export const { GET, POST } = authHandlers(bff);
 *
 * Its own entry, so the middleware bundle never carries what only these routes need (the OpenID client).
 */
import type { NextRequest } from 'next/server';
import { authRoute } from './auth/routes.ts';
import { runtimeOf, type Bff } from './bff.ts';

type RouteHandler = (req: NextRequest) => Promise<Response>;

export function authHandlers(bff: Bff): { GET: RouteHandler; POST: RouteHandler } {
  const handler: RouteHandler = async (req) => authRoute(req, await runtimeOf(bff));
  return { GET: handler, POST: handler };
}
