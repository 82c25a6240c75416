import { BffError } from '../../errors.ts';

/** The typed error of a refused login, for presets that answer with plain HTTP statuses. */
export function loginErrorFor(status: number, message: string | undefined, fields?: Record<string, string[]>): BffError {
  if (status === 422 || (status === 400 && fields)) {
    return new BffError('validation_failed', message ?? 'Please check the form.', { status: 422, fields });
  }
  if (status === 401 || status === 403) {
    return new BffError('invalid_credentials', message ?? 'Invalid email or password.', { status, fields });
  }
  if (status >= 500) return new BffError('backend_error', 'The backend failed to process the login. Try again shortly.');
  return new BffError('backend_rejected', message ?? 'The backend refused the login.', { status, fields });
}
