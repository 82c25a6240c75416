import { useEffect, useSyncExternalStore } from 'react';
import { DEFAULTS } from '../config/defaults.ts';
import { serverSnapshot, sessionStore, type SessionState } from './session-store.ts';

export interface ClientOptions {
  /** The BFF's auth prefix, when `routes.auth` was changed (default `/api/auth`). */
  authPath?: string;
}

/**
 * The signed-in user in client components: `loading` on the server and first render, then `authenticated` with the
 * user or `unauthenticated`. Read again when the window regains focus. Never a token.
 */
export function useSession(options: ClientOptions = {}): SessionState & { reload(): Promise<void> } {
  const store = sessionStore(options.authPath ?? DEFAULTS.routes.auth);
  const state = useSyncExternalStore(store.subscribe, store.get, serverSnapshot);
  useEffect(() => {
    if (store.get().status === 'loading') void store.load();
    const onFocus = () => void store.load();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [store]);
  return { ...state, reload: store.load };
}
