import { BffError } from '../errors.ts';

/**
 * Reads a request body up to `limit` bytes. Larger bodies are refused with a typed 413
 * as soon as the declared length or the bytes read so far exceed it, without buffering the rest.
 */
export async function readLimitedBody(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | BffError> {
  const tooLarge = () => new BffError('payload_too_large', `The request body exceeds ${limit} bytes.`);
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return tooLarge();
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
