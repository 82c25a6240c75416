import { BffError } from '../errors.ts';

/**
 * What both forwarders share (fetch-forwarder.ts on every runtime, node-forwarder.ts on Node): the answer they hand
 * over, and the rules for reading it.
 */

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

/**
 * An answer the backend encoded anyway (the BFF asks for identity) is decoded up to this many bytes: a few KB of
 * gzip or brotli can expand to gigabytes. Past it, an answer read whole is a 502 and a streamed one is cut.
 */
export const DECODED_BODY_LIMIT = 32 * 1024 * 1024;

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** True for answers that never have a body: to a HEAD, or with a status that forbids one. */
export const hasNoBody = (method: string, status: number) => method === 'HEAD' || NULL_BODY_STATUSES.has(status);

/** True when an answer declares a length short enough to be read whole. */
export const readWhole = (contentLength: string | null) => contentLength !== null && Number(contentLength) <= BUFFERED_BODY_LIMIT;

/** True when the answer arrived content-encoded (and the forwarder decodes it). */
export const isEncoded = (headers: Headers) => !/^(identity)?$/i.test(headers.get('content-encoding')?.trim() ?? '');

export const decodedTooLarge = () =>
  new BffError('backend_error', `The backend's encoded answer decodes to more than ${DECODED_BODY_LIMIT} bytes.`, { status: 502 });

/** Lets go of an answer's body without reading it. */
export async function discard(upstream: Upstream): Promise<void> {
  if (upstream.body && 'getReader' in upstream.body) await upstream.body.cancel().catch(() => undefined);
}
