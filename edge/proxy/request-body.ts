import { BffError } from '../errors.ts';
import { readLimitedBody } from '../request/read-body.ts';

/** Methods whose requests carry no body to forward. */
const BODILESS = new Set(['GET', 'HEAD']);

/**
 * The request body as bytes, so the backend receives it with a `Content-Length` (WSGI servers such as Django's
 * read no chunked body). next.config sets Next's own cut well above `limit`, so a body over the limit, even one that
 * Next cut, is seen as one and refused with 413, never forwarded short; a body unlike its declared length gets 400.
 */
export async function forwardableBody(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined | BffError> {
  if (BODILESS.has(req.method)) return undefined;
  const body = await readLimitedBody(req, limit);
  if (body instanceof BffError) return body;
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) !== body.byteLength) return new BffError('bad_request', 'The request body does not match its Content-Length.');
  return body;
}
