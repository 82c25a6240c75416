import { networkError } from '../backend/call.ts';
import type { Credential } from '../apis/credential.ts';
import type { ApiConfig, BffConfig } from '../config/types.ts';
import { discard, hasNoBody, type Forwarder, type Upstream } from './upstream.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { clientResponseHeaders, type ResponseHeaderRules } from './response-headers.ts';
import { clock, record, secondsSince } from '../telemetry/metrics.ts';
import { failed, injectTraceContext, SpanKind, traced } from '../telemetry/tracing.ts';
import { urlTemplate } from '../telemetry/url-template.ts';

export interface ForwardOptions extends ResponseHeaderRules {
  /** The API's configured name (BACKENDS; `backend` for BACKEND_URL): in traces and metrics. */
  api: string;
  timeoutMs: number;
  forward: Forwarder;
}

/** One API's forwarding settings; `publicBase` is the origin the browser addressed (APP_URL wins when set). */
export function forwardOptions(api: ApiConfig, config: BffConfig, forwarder: Forwarder, publicBase: URL | string): ForwardOptions {
  return {
    api: api.name,
    timeoutMs: api.timeoutMs,
    forward: forwarder,
    sessionCookie: config.cookie.name,
    backendBase: api.url,
    publicPrefix: new URL(api.prefix, config.appUrl ?? publicBase),
  };
}

/**
 * The proxied call in a client span (`GET /notes/{id}`: method, API, path template, status, bytes, time to the
 * answer's headers), its duration in `bff.proxy.duration`, and the trace's `traceparent` sent along, so the API's own
 * spans join the trace.
 */
export function forwardToBackend(
  method: string,
  target: URL,
  headers: Headers,
  body: Uint8Array<ArrayBuffer> | undefined,
  credential: Credential,
  options: ForwardOptions,
): Promise<Response> {
  const template = urlTemplate(target.pathname);
  const facts = { 'http.request.method': method, 'bff.api': options.api, 'url.template': template, 'server.address': target.hostname };
  return traced(
    `${method} ${template}`,
    facts,
    async (span) => {
      injectTraceContext(headers);
      const started = clock();
      const response = await forwardUntraced(method, target, headers, body, credential, options);
      const seconds = secondsSince(started);
      const { status } = response;
      record.proxied(seconds, { 'bff.api': options.api, 'http.request.method': method, 'bff.status_class': `${Math.floor(status / 100)}xx` });
      if (span.isRecording()) {
        const bytes = response.headers.get('content-length');
        span.setAttributes({ 'http.response.status_code': status, 'bff.proxy.time_to_headers_ms': Math.round(seconds * 1000) });
        if (bytes !== null) span.setAttribute('http.response.body.size', Number(bytes));
        // A client span's 4xx and 5xx are failures (OpenTelemetry's HTTP conventions).
        if (status >= 400) failed(span, String(status));
      }
      return response;
    },
    { kind: SpanKind.CLIENT },
  );
}

/**
 * Calls the backend from the middleware itself and hands its answer back (streamed, or whole when it is short), so
 * the backend's address never reaches the client (Next's external rewrite would announce it in
 * `x-middleware-rewrite`), failures become JSON 502/503/504 instead of Next's bare 500, and no middleware header
 * (Set-Cookie included) is copied upstream.
 */
async function forwardUntraced(
  method: string,
  target: URL,
  headers: Headers,
  body: Uint8Array<ArrayBuffer> | undefined,
  credential: Credential,
  options: ForwardOptions,
): Promise<Response> {
  // The deadline covers the wait for the backend's answer, not the body that follows: a download or an event
  // stream may flow for longer than BACKEND_TIMEOUT_MS.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException('The backend did not answer in time.', 'TimeoutError')), options.timeoutMs);
  const { token, dpop } = credential;
  const send = async () => {
    if (token && dpop) {
      headers.set('authorization', `DPoP ${token}`);
      headers.set('dpop', await dpop.proof(method, target, token));
    } else if (token) headers.set('authorization', `Bearer ${token}`);
    return options.forward(target, { method, headers, body, redirect: 'manual', signal: abort.signal });
  };
  let upstream: Upstream;
  try {
    // A short answer comes back read whole, under the deadline (forwarder.ts); streams and long bodies flow.
    upstream = await send();
    // A nonce challenge is answered once; the body is buffered (request-body.ts), so it can be sent again.
    if (dpop?.learn(target, upstream.status, upstream.headers)) {
      await discard(upstream);
      upstream = await send();
    }
  } catch (error) {
    return errorResponse(error instanceof BffError ? error : networkError(error));
  } finally {
    clearTimeout(timer);
  }
  // A JSON error is the API's own answer and passes through; an HTML error page is not an API response.
  if (upstream.status >= 500 && !isJson(upstream.headers.get('content-type'))) {
    await discard(upstream);
    return errorResponse(new BffError('backend_error', `The backend failed (HTTP ${upstream.status}).`, { status: upstream.status === 503 || upstream.status === 504 ? upstream.status : 502 }));
  }
  const nullBody = hasNoBody(method, upstream.status);
  if (nullBody) await discard(upstream);
  return new Response(nullBody ? null : upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: clientResponseHeaders(upstream.headers, options, target) });
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/([\w.+-]*\+)?json\b/i.test(contentType);
}
