import { lookup } from '../lookup.ts';

/** An error a login page shows: from the login API's JSON answer, or the `error`/`retryAfter` of a `?error=` redirect. */
export interface LoginErrorInfo {
  code: string;
  /** The login API's own message, from its JSON answer to the page's request; never text from the page's URL. */
  message?: string;
  retryAfter?: number;
}

const UNAVAILABLE = 'The sign-in service is unavailable right now. Please try again in a moment.';
const AGAIN = 'This sign-in expired or did not complete. Please sign in again.';

/** One sentence per code: a link to `/login?error=…` can choose which one is shown, never what it says. */
const SENTENCES: Record<string, string> = {
  invalid_credentials: 'The email or password is incorrect.',
  validation_failed: 'Check the email and password and try again.',
  backend_rejected: 'Signing in was refused.',
  backend_unreachable: UNAVAILABLE,
  backend_timeout: UNAVAILABLE,
  backend_error: UNAVAILABLE,
  backend_unavailable: UNAVAILABLE,
  rate_limit_unavailable: 'Signing in is temporarily unavailable. Please try again shortly.',
  maintenance: 'The service is under maintenance. Please try again shortly.',
  csrf_rejected: 'This form must be submitted from this site.',
  session_too_large: 'Your account data is too large for a browser session. Please contact support.',
  insecure_transport: 'This site is served over plain http, so your browser would refuse its sign-in cookie. Use its https address.',
  // OpenID sign-in, as the callback reports it (the provider's own error codes included).
  access_denied: 'The sign-in was cancelled or refused at the identity provider.',
  login_required: 'The identity provider needs you to sign in again.',
  consent_required: 'The identity provider needs your consent to continue.',
  interaction_required: 'The identity provider needs you to continue there.',
  state_mismatch: AGAIN,
  invalid_grant: AGAIN,
  invalid_id_token: 'The identity provider’s answer did not pass validation. Please sign in again.',
};

/** Codes whose API message says more than the sentence (a field's problem, the maintenance notice). */
const OWN_MESSAGE = new Set(['validation_failed', 'backend_rejected', 'maintenance']);

/** What a login page shows for an error: fixed sentences per code, the wait for `rate_limited`. */
export function loginErrorMessage(error: LoginErrorInfo): string {
  if (error.code === 'rate_limited') {
    const wait = error.retryAfter !== undefined && Number.isSafeInteger(error.retryAfter) && error.retryAfter > 0 ? Math.min(error.retryAfter, 86_400) : 60;
    return `Too many attempts, try again in ${wait} s.`;
  }
  if (error.message && OWN_MESSAGE.has(error.code)) return error.message;
  return lookup(SENTENCES, error.code) ?? 'Signing in failed. Please try again.';
}
