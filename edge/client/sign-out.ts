import { DEFAULTS } from '../config/defaults.ts';
import { sessionStore } from './session-store.ts';
import type { ClientOptions } from './use-session.ts';

export interface SignOutOptions extends ClientOptions {
  /** Where to go afterwards (default `/`; with an OpenID provider, its end-session page first); `false` stays on the page. */
  redirectTo?: string | false;
  /** `local` (default): this session; `others`: the user's other sessions, this one stays signed in; `global`: all. */
  scope?: 'local' | 'others' | 'global';
}

/**
 * Signs out: the BFF revokes the session (and upstream, where it can) and clears the cookie; every `useSession` sees
 * it. Rejects when the BFF could not be reached, so the page can say so instead of pretending.
 */
export async function signOut(options: SignOutOptions = {}): Promise<void> {
  const authPath = options.authPath ?? DEFAULTS.routes.auth;
  const scope = options.scope ?? 'local';
  const res = await fetch(`${authPath}/logout`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ scope }),
  });
  if (!res.ok) throw new Error(`Sign-out failed (HTTP ${res.status}).`);
  if (scope === 'others') return;
  // With an OpenID provider the answer names its end-session page, which then returns to the app's root.
  const { redirectTo: provider } = (await res.json().catch(() => ({}))) as { redirectTo?: string };
  sessionStore(authPath).signedOut();
  if (options.redirectTo !== false) window.location.assign(provider ?? options.redirectTo ?? '/');
}
