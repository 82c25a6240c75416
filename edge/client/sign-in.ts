import { DEFAULTS } from '../config/defaults.ts';
import { safeNextPath } from '../guard/safe-next.ts';
import type { User } from '../session/types.ts';
import { sessionStore } from './session-store.ts';
import type { ClientOptions } from './use-session.ts';

/** The OpenID provider's sign-in page (a navigation): AUTH_PRESET=oidc. */
export interface ProviderSignInOptions extends ClientOptions {
  /** Where to go once signed in (a same-origin path; default `/`); `false` stays on the page. */
  next?: string | false;
}

/** A password sign-in: JSON, no page load. */
export interface PasswordSignInOptions extends ProviderSignInOptions {
  email: string;
  password: string;
}

export type SignInOptions = ProviderSignInOptions | PasswordSignInOptions;

/** Why a sign-in failed: the login API's code (`invalid_credentials`, `rate_limited`, …), its message and details. */
export interface SignInError {
  code: string;
  message: string;
  /** `rate_limited` and outages: seconds to wait before trying again. */
  retryAfter?: number;
  /** `validation_failed`: the backend's messages per form field. */
  fields?: Record<string, string[]>;
}

export type SignInResult = { ok: true; user: User } | { ok: false; error: SignInError };

/** The browser is on its way to the provider: nothing more happens on this page. */
export type SignInRedirect = { ok: 'redirected' };

/**
 * Signs in from a client component. With `email` and `password`: posts them to the BFF's login endpoint, and on
 * success every `useSession` sees the user (then goes to `next` unless it is `false`); a failure is returned, never
 * thrown, ready for `loginErrorMessage(error)`. Without credentials: goes to `<auth>/login`, which sends the browser
 * to the OpenID provider (AUTH_PRESET=oidc) and back to `next`.
 */
export function signIn(options: PasswordSignInOptions): Promise<SignInResult>;
export function signIn(options?: ProviderSignInOptions): Promise<SignInRedirect>;
export async function signIn(options: SignInOptions = {}): Promise<SignInResult | SignInRedirect> {
  const authPath = options.authPath ?? DEFAULTS.routes.auth;
  const next = options.next === false ? undefined : safeNextPath(options.next);
  if (!('email' in options) || !('password' in options)) {
    // A route handler that redirects to the provider, not a page: the router cannot go there, the browser must.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`${authPath}/login${next ? `?${new URLSearchParams({ next })}` : ''}`);
    return { ok: 'redirected' };
  }
  let res: Response;
  try {
    res = await fetch(`${authPath}/login`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ email: options.email, password: options.password }),
    });
  } catch {
    return { ok: false, error: { code: 'backend_unreachable', message: 'The sign-in service could not be reached.' } };
  }
  const body = (await res.json().catch(() => ({}))) as { user?: User; error?: string; message?: string; retryAfter?: number; fields?: Record<string, string[]> };
  if (!res.ok || !body.user) {
    const error: SignInError = { code: body.error ?? 'backend_error', message: body.message ?? `Sign-in failed (HTTP ${res.status}).` };
    if (body.retryAfter !== undefined) error.retryAfter = body.retryAfter;
    if (body.fields) error.fields = body.fields;
    return { ok: false, error };
  }
  await sessionStore(authPath).load();
  if (next) window.location.assign(next);
  return { ok: true, user: body.user };
}
