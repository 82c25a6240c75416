import { describe, expect, it } from 'vitest';
import { sessionFromGrant } from '@/edge/backend/grant-to-session';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import type { Session } from '@/edge/session/types';
import { fakeFetch, request, runtime, session, testConfig } from '../helpers/unit';

/** Backends that issue only an access token (Laravel Sanctum, devise-jwt, many hand-written APIs). */
describe('sessions without a refresh token', () => {
  const tokenOnly = (overrides: Partial<Session> = {}) => session({ refreshToken: undefined, ...overrides });

  async function call(path: string, s: Session, init: { method?: string; headers?: Record<string, string> } = {}) {
    const backend = fakeFetch(() => Response.json({ data: [] }));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = `${rt.config.cookie.name}=${await sealSession(s, rt.keyring)}`;
    const res = await handle(request(path, { ...init, headers: { cookie, ...init.headers } }), rt);
    return { res, calls: backend.calls };
  }

  it('a grant without a refresh token makes a session without one', () => {
    const now = 1_000_000;
    const s = sessionFromGrant({ accessToken: 'a', accessExpiresIn: 600, user: { id: '1' } }, testConfig(), now);
    expect(s).toMatchObject({ accessToken: 'a', accessIssuedAt: now, accessExpiresAt: now + 600_000, user: { id: '1' } });
    expect(s!.refreshToken).toBeUndefined();
  });

  it('inside the skew: used as it is, no refresh attempted', async () => {
    const { res, calls } = await call('/api/backend/notes', tokenOnly({ accessExpiresAt: Date.now() + 5_000 }));
    expect(res.status).toBe(200);
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/notes']);
  });

  it('expired: pages redirect to login with session_expired, the cookie cleared, no refresh attempted', async () => {
    const { res, calls } = await call('/dashboard', tokenOnly({ accessExpiresAt: Date.now() - 1 }));
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toContain('/login?next=%2Fdashboard&reason=session_expired');
    expect(res.headers.getSetCookie()[0]).toMatch(/Max-Age=0/i);
    expect(calls).toEqual([]);
  });

  it('expired: APIs answer 401 JSON', async () => {
    const { res, calls } = await call('/api/backend/notes', tokenOnly({ accessExpiresAt: Date.now() - 1 }));
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('unauthenticated');
    expect(calls).toEqual([]);
  });
});
