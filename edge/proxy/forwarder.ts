/** The backend's answer as a forwarder hands it over: a short answer of declared length already read whole. */
export interface Upstream {
  status: number;
  statusText: string;
  headers: Headers;
  /** Read whole (at most BUFFERED_BODY_LIMIT, its length declared), still streaming, or none. */
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
}

/** How a proxied call is sent: `fetch`'s arguments, narrowed to what `forwardToBackend` passes. */
export type Forwarder = (
  target: URL,
  init: { method: string; headers: Headers; body: Uint8Array<ArrayBuffer> | undefined; redirect: 'manual'; signal: AbortSignal },
) => Promise<Upstream>;

/** Answers up to this size that declare their length are read whole and answered as one buffer, not a stream. */
export const BUFFERED_BODY_LIMIT = 64 * 1024;

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** True for answers that never have a body: to a HEAD, or with a status that forbids one. */
export const hasNoBody = (method: string, status: number) => method === 'HEAD' || NULL_BODY_STATUSES.has(status);

/** True when an answer declares a length short enough to be read whole. */
export const readWhole = (contentLength: string | null) => contentLength !== null && Number(contentLength) <= BUFFERED_BODY_LIMIT;

/** Lets go of an answer's body without reading it. */
export async function discard(upstream: Upstream): Promise<void> {
  if (upstream.body && 'getReader' in upstream.body) await upstream.body.cancel().catch(() => undefined);
}

/**
 * A forwarder on `fetch` (the edge's only one, and the tests' injected `fetch`). A short answer is read whole under the
 * caller's deadline: a buffer crosses into Next far cheaper than a stream (issue 21's probe: 0.77 → 0.88 of the bare
 * rewrite on the edge).
 */
export function fetchForwarder(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Forwarder {
  return async (target, init) => {
    const res = await fetchImpl(target, init);
    const whole = res.body && readWhole(res.headers.get('content-length')) ? new Uint8Array(await res.arrayBuffer()) : undefined;
    return { status: res.status, statusText: res.statusText, headers: res.headers, body: whole ?? res.body };
  };
}

/**
 * `fetch` on the edge; on Node, `node:http` (proxy/node-forwarder.ts), which costs a fraction of `fetch` there. Next
 * replaces `process.env.NEXT_RUNTIME` at build time, so the edge bundle drops the Node import with the dead branch
 * (as store/connect.ts does for the Redis client).
 */
export async function platformForwarder(): Promise<Forwarder> {
  if (process.env.NEXT_RUNTIME !== 'edge' && typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== 'string') {
    const { nodeForwarder } = await import('./node-forwarder.ts');
    return nodeForwarder();
  }
  return fetchForwarder();
}
