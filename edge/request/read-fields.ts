import { BffError } from '../errors.ts';
import { readLimitedBody } from './read-body.ts';

export interface Fields {
  fields: Record<string, unknown>;
  /** A browser form post (no JavaScript): answered with 303 redirects instead of JSON. */
  isForm: boolean;
}

/** Reads a small JSON object or form body (`what` names it in errors); `empty` answers a body-less request. */
export async function readFields(req: Request, limit: number, what: string, empty?: Fields): Promise<Fields | BffError> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const unsupported = () => new BffError('unsupported_media_type', `Send the ${what} as JSON or as a form.`);
  if (empty && !type) {
    // No declared type: fine when there is nothing to read (a bare `fetch(url, { method: 'POST' })`).
    const body = await readLimitedBody(req, limit);
    if (body instanceof BffError) return body;
    return body.byteLength === 0 ? empty : unsupported();
  }
  const isJson = type === 'application/json';
  const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  if (!isJson && !isForm) return unsupported();
  const body = await readLimitedBody(req, limit);
  if (body instanceof BffError) return body;
  if (empty && body.byteLength === 0) return { ...empty, isForm };
  try {
    if (isJson) {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return { fields: parsed as Record<string, unknown>, isForm };
    }
    const form = await new Response(body as BodyInit, { headers: { 'content-type': req.headers.get('content-type')! } }).formData();
    return { fields: Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')), isForm };
  } catch {
    return new BffError('bad_request', `The ${what} body could not be read.`);
  }
}
