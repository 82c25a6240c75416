import { BffError } from '../errors.ts';
import type { BackendCall, BackendReply } from './types.ts';

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
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: call.method,
      headers: { accept: 'application/json', ...call.headers },
      body: call.body,
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw networkError(error);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    throw networkError(error);
  }
  return { status: res.status, json: parseJson(text) };
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
