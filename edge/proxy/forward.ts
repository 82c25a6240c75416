import { networkError } from '../backend/call';
import { errorResponse } from '../http/error-response';

/** Response headers that described the upstream body encoding; fetch has already decoded it. */
const DROP_RESPONSE = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Calls the backend from the middleware itself and streams its answer back. Used instead of a
 * rewrite when the response must set cookies: Next copies every middleware response header
 * (Set-Cookie included) into a rewritten upstream request, which would hand the session to the backend.
 */
export async function forwardToBackend(
  req: Request,
  target: URL,
  headers: Headers,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  headers.delete('host');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetchImpl(target, {
      method: req.method,
      headers,
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return errorResponse(networkError(error));
  }
  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE.has(name) && name !== 'set-cookie') out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}
