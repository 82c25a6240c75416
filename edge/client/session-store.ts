import type { User } from '../session/types.ts';

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'authenticated'; user: User; expiresAt: string }
  | { status: 'unauthenticated'; user: null };

const LOADING: SessionState = { status: 'loading', user: null };
const SIGNED_OUT: SessionState = { status: 'unauthenticated', user: null };

/**
 * One shared picture of `<auth>/session` per auth prefix: every component using the hook reads it, one request at a
 * time fills it. It holds the user only; the session endpoint never answers with a token.
 */
export interface SessionStore {
  get(): SessionState;
  subscribe(listener: () => void): () => void;
  load(): Promise<void>;
  signedOut(): void;
}

const stores = new Map<string, SessionStore>();

export function sessionStore(authPath: string): SessionStore {
  let store = stores.get(authPath);
  if (!store) stores.set(authPath, (store = createStore(authPath)));
  return store;
}

export const serverSnapshot = (): SessionState => LOADING;

function createStore(authPath: string): SessionStore {
  let state = LOADING;
  let inflight: Promise<void> | undefined;
  const listeners = new Set<() => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener();
  };
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load() {
      inflight ??= fetch(`${authPath}/session`, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
        .then(async (res) => {
          const body = (await res.json()) as { user?: User | null; expiresAt?: string };
          set(body.user ? { status: 'authenticated', user: body.user, expiresAt: String(body.expiresAt) } : SIGNED_OUT);
        })
        // Offline or an outage: what was known stays; a first load that fails shows signed out.
        .catch(() => set(state.status === 'loading' ? SIGNED_OUT : state))
        .finally(() => (inflight = undefined));
      return inflight;
    },
    signedOut: () => set(SIGNED_OUT),
  };
}
