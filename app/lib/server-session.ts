import { cookies } from 'next/headers';
import { callBackend } from '@/edge/backend/call';
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
  const unreachable = { ok: false, status: 503, message: 'The backend is unreachable right now. Try again in a moment.' } as const;
  try {
    const call = { path, method: 'GET', headers: { authorization: `Bearer ${session.accessToken}` } } as const;
    const reply = await callBackend(rt.config.backendUrl, call, rt.config.backendTimeoutMs);
    if (reply.status < 200 || reply.status >= 300) return { ok: false, status: reply.status, message: `The backend answered ${reply.status}.` };
    return reply.json === undefined ? unreachable : { ok: true, data: reply.json as T };
  } catch {
    return unreachable;
  }
}
