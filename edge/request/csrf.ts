import type { NextRequest } from 'next/server';
import type { ClientIpConfig } from '../config/types';
import { BffError } from '../errors';
import { publicOriginString } from './public-origin';
import { isSameOriginRequest, isUnsafeMethod } from './same-origin';

/**
 * The CSRF gate for state-changing requests (proxied API calls, login, logout): an unsafe
 * method must come from the app's own origin. Safe methods pass. Returns the error to answer with.
 */
export function csrfError(
  req: NextRequest,
  config: { appUrl?: URL; clientIp: ClientIpConfig },
  extraOrigins: readonly string[] = [],
): BffError | undefined {
  if (!isUnsafeMethod(req.method)) return undefined;
  const own = publicOriginString(req.headers, config.appUrl, req.nextUrl, config.clientIp);
  if (isSameOriginRequest(req.headers, [own, ...extraOrigins])) return undefined;
  return new BffError('csrf_rejected', 'Cross-site requests are not allowed.');
}
