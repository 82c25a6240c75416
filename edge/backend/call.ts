import { BffError } from '../errors.ts';
import { isObject, stringField } from './presets/read-json.ts';
import type { BackendCall, BackendReply } from './types.ts';
import { injectTraceContext } from '../telemetry/tracing.ts';

/**
 * Performs a described call against the backend base URL with a deadline.
 * Network failures and timeouts become typed errors; any status is a reply.
 */
export async function callBackend(
  base: URL,
  call: BackendCall,
  timeoutMs: number,
  fetchImpl: typeof fetch = fetch,
): Promise<BackendReply> {
  const url = backendCallUrl(base, call);
  const signal = AbortSignal.timeout(timeoutMs);
  const attempt = async (): Promise<BackendReply & { headers: Headers }> => {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    // The sign-in, refresh or revocation joins the trace it is part of (a no-op without an OpenTelemetry SDK).
    injectTraceContext(headers);
    if (call.dpop) headers.dpop = await call.dpop.signer.proof(call.method, url, call.dpop.accessToken);
    try {
      const res = await fetchImpl(url, { method: call.method, headers, body: call.body, redirect: 'manual', cache: 'no-store', signal });
      return { status: res.status, headers: res.headers, json: parseJson(await res.text()) };
    } catch (error) {
      throw networkError(error);
    }
  };
  const reply = await attempt();
  // A DPoP nonce challenge is answered once, with a proof that carries the nonce (RFC 9449 §8, §9).
  const error = isObject(reply.json) ? stringField(reply.json.error) : undefined;
  const again = call.dpop?.signer.learn(url, reply.status, reply.headers, error) ? await attempt() : reply;
  return { status: again.status, json: again.json };
}

/** Where a described call goes: an absolute path as is (a provider's token endpoint), else under `base`. */
export function backendCallUrl(base: URL, call: Pick<BackendCall, 'path'>): URL {
  return /^https?:\/\//.test(call.path) ? new URL(call.path) : joinBackendPath(base, call.path);
}

/** `base` may carry a path prefix (`https://x/api`); call paths are appended to it verbatim. */
export function joinBackendPath(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = base.pathname.replace(/\/+$/, '') + path;
  return url;
}

export function networkError(error: unknown): BffError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new BffError('backend_timeout', 'The backend did not answer in time.');
  }
  return new BffError('backend_unreachable', 'The backend could not be reached.');
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
