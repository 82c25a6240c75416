import { headers as incomingHeaders } from 'next/headers';
import { credentialFor, unauthenticated } from '../apis/credential.ts';
import { mayUseUser, needsUser, ownUserToken } from '../apis/policies.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { forwardOptions, forwardToBackend } from '../proxy/forward.ts';
import { forwardableBody } from '../proxy/request-body.ts';
import { backendTarget } from '../proxy/target.ts';
import { upstreamHeaders } from '../proxy/upstream-headers.ts';
import { establishedClientIp } from '../ratelimit/client-ip.ts';
import { publicOrigin } from '../request/public-origin.ts';
import type { BffRuntime } from '../runtime.ts';
import type { Session } from '../session/types.ts';
import { usableSession } from './request-session.ts';

export interface BackendFetchOptions {
  /** The API to call, by its name in BACKENDS; default `backend` (BACKEND_URL). Its token policy applies. */
  api?: string;
}

/**
 * `fetch` to an API from a Server Component, Server Action or route handler, with the token its policy says (the
 * signed-in user's by default). The same rules as the proxy: the browser's cookies never sent, the path checked, the
 * body sent with its exact length, refresh when due, and failures as the same JSON errors (401 signed out, 503 with
 * Retry-After while a refresh is unavailable, 502/504 when the API fails). Never throws for an API failure; throws a
 * TypeError for an API name that is not configured (a programming error).
 */
export async function backendFetch(rt: BffRuntime, path: string, init: RequestInit = {}, options: BackendFetchOptions = {}): Promise<Response> {
  const { config } = rt;
  const name = options.api ?? 'backend';
  const api = config.apis.find((a) => a.name === name);
  if (!api) throw new TypeError(`backendFetch: no API is named "${name}" (configured: ${config.apis.map((a) => a.name).join(', ')}).`);
  if (!path.startsWith('/') || path.startsWith('//')) {
    return errorResponse(new BffError('path_rejected', 'Backend paths start with a single "/".'));
  }
  let session: Session | null = null;
  let renewalError: BffError | undefined;
  if (mayUseUser(api)) {
    const usable = await usableSession(rt, ownUserToken(api) ? [api] : undefined);
    // Signed out is fine for `user-or-none` and `user-or-client`; a session that cannot be checked or used is not.
    if (usable.session) [session, renewalError] = [usable.session, usable.error];
    else if (usable.error || needsUser(api)) return errorResponse(usable.error ?? unauthenticated());
  }
  // Checked as written: the URL parser would silently resolve `..` (a `/notes/${id}` with id `../admin`).
  const [rawPath, rawQuery] = splitOnce(path.split('#')[0], '?');
  const target = backendTarget(api.url, rawPath, rawQuery === undefined ? '' : `?${rawQuery}`);
  if (target instanceof BffError) return errorResponse(target);
  const outgoing = new Request(target, { ...init, redirect: 'manual' });
  const body = await forwardableBody(outgoing, api.bodyLimitBytes);
  if (body instanceof BffError) return errorResponse(body);
  const credential = await credentialFor(api, session, rt, renewalError);
  if (credential instanceof BffError) return errorResponse(credential);

  const incoming = await incomingHeaders();
  const host = incoming.get('host') ?? 'localhost';
  const here = { headers: incoming, nextUrl: new URL(`http://${host}`) };
  const origin = publicOrigin(here, config);
  const headers = upstreamHeaders(outgoing.headers, { clientIp: establishedClientIp(incoming, config.clientIp), ...origin });
  return forwardToBackend(outgoing.method, target, headers, body, credential, forwardOptions(api, config, rt.forward, `${origin.proto}://${origin.host}`));
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
