import { networkError } from '../backend/call';
import { BffError } from '../errors';
import { errorResponse } from '../http/error-response';

/** Response headers that described the upstream body encoding; fetch has already decoded it. */
const DROP_RESPONSE = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export interface ForwardOptions {
  timeoutMs: number;
  /** Largest request body forwarded; larger ones get 413 JSON. */
  bodyLimitBytes: number;
  fetch?: typeof fetch;
}

/**
 * Calls the backend from the middleware itself and streams its answer back: network failures and
 * HTML error pages become 502/503/504 JSON instead of Next's bare 500, the backend's address never reaches the client,
 * and no middleware header (Set-Cookie included) is copied into the upstream request.
 */
export async function forwardToBackend(req: Request, target: URL, headers: Headers, options: ForwardOptions): Promise<Response> {
  headers.delete('host');
  headers.delete('content-length');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== null;
  const limit = { exceeded: false };
  let upstream: Response;
  try {
    upstream = await (options.fetch ?? fetch)(target, {
      method: req.method,
      headers,
      body: hasBody ? req.body!.pipeThrough(byteLimit(options.bodyLimitBytes, limit)) : undefined,
      // @ts-expect-error: `duplex` is required for streamed request bodies, and missing from the DOM types.
      duplex: 'half',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    if (limit.exceeded) return errorResponse(tooLarge(options.bodyLimitBytes));
    return errorResponse(networkError(error));
  }
  // A JSON error is the API's own answer and passes through; an HTML error page is not an API response.
  if (upstream.status >= 500 && !isJson(upstream.headers.get('content-type'))) {
    await upstream.body?.cancel().catch(() => undefined);
    return errorResponse(new BffError('backend_error', `The backend failed (HTTP ${upstream.status}).`, { status: upstream.status === 503 || upstream.status === 504 ? upstream.status : 502 }));
  }
  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE.has(name) && name !== 'set-cookie') out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/([\w.+-]*\+)?json\b/i.test(contentType);
}

export function tooLarge(limit: number): BffError {
  return new BffError('payload_too_large', `The request body exceeds the ${limit}-byte limit of this API proxy.`);
}

/**
 * Passes bytes through until `limit`, then fails the stream. Reaching the limit exactly also
 * fails: Next hands middleware at most its body limit, silently cutting the rest, and a cut
 * body must never be forwarded as if it were whole.
 */
function byteLimit(limit: number, state: { exceeded: boolean }): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen >= limit) {
        state.exceeded = true;
        controller.error(new Error('body too large'));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
