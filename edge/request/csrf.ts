import type { NextRequest } from 'next/server';
import { BffError } from '../errors.ts';
import { logWarn } from '../log.ts';
import { publicOriginString, type OriginConfig } from './public-origin.ts';
import { isSameOriginRequest, isUnsafeMethod } from './same-origin.ts';

/**
 * The CSRF gate for state-changing requests (proxied API calls, login, logout): an unsafe
 * method must come from the app's own origin. Safe methods pass. Returns the error to answer with.
 */
export function csrfError(req: NextRequest, config: OriginConfig, extraOrigins: readonly string[] = []): BffError | undefined {
  if (!isUnsafeMethod(req.method)) return undefined;
  const own = publicOriginString(req, config);
  if (isSameOriginRequest(req.headers, [own, ...extraOrigins])) return undefined;
  // The same host on another port or scheme is a deployment mistake (APP_URL), not an attack: say what to set.
  if (config.appUrl && sameHostOtherwise(req.headers.get('origin'), own)) {
    logWarn('csrf_origin_mismatch', { hint: 'the request came from this host on another port or scheme than APP_URL says' });
    return new BffError('csrf_rejected', `This request came from ${req.headers.get('origin')}, but APP_URL says the app is ${own}: set APP_URL to the address the browser uses.`);
  }
  return new BffError('csrf_rejected', 'Cross-site requests are not allowed.');
}

function sameHostOtherwise(origin: string | null, own: string): boolean {
  if (!origin) return false;
  try {
    return new URL(origin).hostname === new URL(own).hostname;
  } catch {
    return false;
  }
}
