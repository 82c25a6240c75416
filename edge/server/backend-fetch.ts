import { headers as incomingHeaders } from 'next/headers';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { forwardOptions, forwardToBackend } from '../proxy/forward.ts';
import { forwardableBody } from '../proxy/request-body.ts';
import { backendTarget } from '../proxy/target.ts';
import { upstreamHeaders } from '../proxy/upstream-headers.ts';
import { establishedClientIp } from '../ratelimit/client-ip.ts';
import { publicOrigin } from '../request/public-origin.ts';
import type { BffRuntime } from '../runtime.ts';
import { usableSession } from './request-session.ts';

/**
 * `fetch` to the backend as the signed-in user, from a Server Component, Server Action or route handler. The same
 * rules as `/api/backend`: the bearer attached and the browser's cookies never sent, the path checked, the body sent
 * with its exact length, refresh when due, and failures as the same JSON errors (401 signed out, 503 with
 * Retry-After while a refresh is unavailable, 502/504 when the backend fails). Never throws for a backend failure.
 */
export async function backendFetch(rt: BffRuntime, path: string, init: RequestInit = {}): Promise<Response> {
  const { config } = rt;
  if (!path.startsWith('/') || path.startsWith('//')) {
    return errorResponse(new BffError('path_rejected', 'Backend paths start with a single "/".'));
  }
  const usable = await usableSession(rt);
  if (!usable.session) return errorResponse(usable.error ?? new BffError('unauthenticated', 'Sign in to use this API.'));
  // Checked as written: the URL parser would silently resolve `..` (a `/notes/${id}` with id `../admin`).
  const [rawPath, rawQuery] = splitOnce(path.split('#')[0], '?');
  const target = backendTarget(config.backendUrl, rawPath, rawQuery === undefined ? '' : `?${rawQuery}`);
  if (target instanceof BffError) return errorResponse(target);
  const outgoing = new Request(target, { ...init, redirect: 'manual' });
  const body = await forwardableBody(outgoing, config.proxy.bodyLimitBytes);
  if (body instanceof BffError) return errorResponse(body);

  const incoming = await incomingHeaders();
  const host = incoming.get('host') ?? 'localhost';
  const here = { headers: incoming, nextUrl: new URL(`http://${host}`) };
  const origin = publicOrigin(here, config);
  const headers = upstreamHeaders(outgoing.headers, { clientIp: establishedClientIp(incoming, config.clientIp), ...origin });
  return forwardToBackend(outgoing.method, target, headers, body, usable.session.accessToken, forwardOptions(config, rt.forward, `${origin.proto}://${origin.host}`, rt.dpop));
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
