import { proxiedCacheControl, varyOnCookie } from '../http/cache-control.ts';
import { hopByHop } from '../http/hop-by-hop.ts';
import { isSessionCookieName } from '../session/chunks.ts';

export interface ResponseHeaderRules {
  /** The session cookie's base name: a backend Set-Cookie can neither set nor clear it (nor its chunks). */
  sessionCookie: string;
  /** Where the backend lives, and the absolute public URL of the prefix it is served under, to map redirects back. */
  backendBase: URL;
  publicPrefix: URL;
}

/**
 * The backend's response headers as the browser may see them. Dropped: hop-by-hop headers, and the `x-middleware-*`
 * and `x-nextjs-*` headers that Next would act on (routing, cookies) if a middleware response carried them.
 * `Set-Cookie` passes except for our session cookies. A `Location` into the backend is mapped to the public
 * prefix, so the backend's address never reaches the browser. The answer is one user's: `private` unless the backend
 * said otherwise (http/cache-control.ts), and `Vary: Cookie`.
 */
export function clientResponseHeaders(upstream: Headers, rules: ResponseHeaderRules, target: URL): Headers {
  const out = new Headers();
  const isHop = hopByHop(upstream);
  upstream.forEach((value, name) => {
    if (isHop(name) || name === 'set-cookie' || name.startsWith('x-middleware-') || name.startsWith('x-nextjs-')) return;
    // fetch has decoded the body: its encoding and encoded length no longer apply.
    if (name === 'content-encoding' || (name === 'content-length' && upstream.has('content-encoding'))) return;
    out.set(name, value);
  });
  for (const cookie of upstream.getSetCookie()) {
    const name = cookie.slice(0, cookie.indexOf('=')).trim();
    if (!isSessionCookieName(name, rules.sessionCookie)) out.append('set-cookie', cookie);
  }
  const location = out.get('location');
  if (location) {
    const mapped = publicLocation(location, target, rules);
    if (mapped) out.set('location', mapped);
    else out.delete('location');
  }
  out.set('cache-control', proxiedCacheControl(out.get('cache-control')));
  varyOnCookie(out);
  // Event streams must reach the browser event by event: `no-transform` keeps Next's compression from buffering them.
  if (/^text\/event-stream\b/i.test(out.get('content-type') ?? '') && !/no-transform/i.test(out.get('cache-control')!)) {
    out.set('cache-control', `${out.get('cache-control')}, no-transform`);
  }
  return out;
}

/**
 * A redirect into the backend, relative or absolute, becomes the same path under the public prefix; other relative
 * redirects (resolved against the request) stay on the app; other absolute ones pass. Always absolute, since Next
 * parses a middleware response's `Location` as a URL (and makes it relative again when it is on the app's origin).
 */
function publicLocation(location: string, target: URL, { backendBase, publicPrefix }: ResponseHeaderRules): string | undefined {
  let url: URL;
  try {
    url = new URL(location, target);
  } catch {
    return undefined;
  }
  const basePath = backendBase.pathname.replace(/\/+$/, '');
  if (url.origin === backendBase.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) {
    return new URL(publicPrefix.pathname + url.pathname.slice(basePath.length) + url.search + url.hash, publicPrefix).toString();
  }
  return URL.canParse(location) ? location : new URL(location, publicPrefix).toString();
}
