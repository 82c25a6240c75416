import type { NextRequest } from 'next/server';
import { BffError } from '../errors.ts';
import { publicOriginString, type OriginConfig } from './public-origin.ts';
import { isSameOriginRequest, isUnsafeMethod } from './same-origin.ts';

/**
 * The CSRF gate for state-changing requests (proxied API calls, login, logout): an unsafe
 * method must come from the app's own origin. Safe methods pass. Returns the error to answer with.
 */
export function csrfError(req: NextRequest, config: OriginConfig, extraOrigins: readonly string[] = []): BffError | undefined {
  if (!isUnsafeMethod(req.method)) return undefined;
  if (isSameOriginRequest(req.headers, [publicOriginString(req, config), ...extraOrigins])) return undefined;
  return new BffError('csrf_rejected', 'Cross-site requests are not allowed.');
}
