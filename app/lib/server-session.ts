import { cookies } from 'next/headers';
import { joinBackendPath } from '@/edge/backend/call';
import { getRuntime } from '@/edge/runtime';
import { readSession } from '@/edge/session/read';
import type { Session, UserSummary } from '@/edge/session/types';

/**
 * Server-side helpers for pages: they read the session the middleware has already
 * refreshed for this very request. Pages use these and never touch a token.
 */
async function currentSession(): Promise<Session | null> {
  // cookies() first: it marks the render dynamic before any configuration is needed (build time has none).
  const jar = await cookies();
  const rt = await getRuntime();
  return readSession((name) => jar.get(name)?.value, rt.config.cookie, rt.sessions);
}

export async function currentUser(): Promise<UserSummary | null> {
  return (await currentSession())?.user ?? null;
}

export type BackendResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

/** GETs JSON from the backend as the signed-in user. Failures come back as values, for an honest message. */
export async function backendGet<T>(path: string): Promise<BackendResult<T>> {
  const [rt, session] = await Promise.all([getRuntime(), currentSession()]);
  if (!session) return { ok: false, status: 401, message: 'You are not signed in.' };
  try {
    const res = await fetch(joinBackendPath(rt.config.backendUrl, path), {
      headers: { authorization: `Bearer ${session.accessToken}`, accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(rt.config.backendTimeoutMs),
    });
    if (!res.ok) return { ok: false, status: res.status, message: `The backend answered ${res.status}.` };
    return { ok: true, data: (await res.json()) as T };
  } catch {
    return { ok: false, status: 503, message: 'The backend is unreachable right now. Try again in a moment.' };
  }
}
