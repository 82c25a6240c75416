import { BffError } from '../errors.ts';
import { readFields } from '../request/read-fields.ts';

export interface LoginForm {
  email: string;
  password: string;
  next?: string;
  /** A browser form post (no JavaScript): answered with 303 redirects instead of JSON. */
  isForm: boolean;
}

/** Parses a login body, JSON or form-encoded, into checked fields, or a typed 4xx. */
export async function readLoginForm(req: Request, limit: number): Promise<LoginForm | BffError> {
  const read = await readFields(req, limit, 'login');
  if (read instanceof BffError) return read;
  const { fields, isForm } = read;

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
