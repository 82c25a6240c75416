import { BffError } from '../errors.ts';
import { readLimitedBody } from '../request/read-body.ts';

export interface LoginForm {
  email: string;
  password: string;
  next?: string;
  /** A browser form post (no JavaScript): answered with 303 redirects instead of JSON. */
  isForm: boolean;
}

/** Parses a login body, JSON or form-encoded, into checked fields, or a typed 4xx. */
export async function readLoginForm(req: Request, limit: number): Promise<LoginForm | BffError> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const isJson = type === 'application/json';
  const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  if (!isJson && !isForm) {
    return new BffError('unsupported_media_type', 'Send the login as JSON or as a form.');
  }
  const body = await readLimitedBody(req, limit);
  if (body instanceof BffError) return body;

  let fields: Record<string, unknown>;
  try {
    if (isJson) {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      fields = parsed as Record<string, unknown>;
    } else {
      const form = await new Response(body as BodyInit, { headers: { 'content-type': req.headers.get('content-type')! } }).formData();
      fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
    }
  } catch {
    return new BffError('bad_request', 'The login body could not be read.');
  }

  const email = typeof fields.email === 'string' ? fields.email.trim() : '';
  const password = typeof fields.password === 'string' ? fields.password : '';
  const missing: Record<string, string[]> = {};
  if (!email) missing.email = ['Enter your email.'];
  if (!password) missing.password = ['Enter your password.'];
  if (Object.keys(missing).length) {
    return new BffError('validation_failed', 'Please fill in the form.', { fields: missing });
  }
  return { email, password, next: typeof fields.next === 'string' ? fields.next : undefined, isForm };
}
