import type { NextRequest } from 'next/server';
import { BffError } from '../errors';
import { isSameOriginRequest, isUnsafeMethod, selfOrigin } from './same-origin';

/**
 * The CSRF gate for state-changing requests (proxied API calls, login, logout): an unsafe
 * method must come from the app's own origin. Safe methods pass. Returns the error to answer with.
 */
export function csrfError(req: NextRequest, appUrl: URL | undefined, extraOrigins: readonly string[] = []): BffError | undefined {
  if (!isUnsafeMethod(req.method)) return undefined;
  if (isSameOriginRequest(req.headers, [selfOrigin(req.headers, appUrl, req.nextUrl), ...extraOrigins])) return undefined;
  return new BffError('csrf_rejected', 'Cross-site requests are not allowed.');
}
