import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import type { Session } from '@/edge/session/types';
import { envelopeGrant, fakeFetch, request, runtime, session } from '../helpers/unit';

async function cookieFor(rt: Awaited<ReturnType<typeof runtime>>, s: Session): Promise<string> {
  return `${rt.config.cookie.name}=${await sealSession(s, rt.keyring)}; theme=dark`;
}

describe('middleware core (edge/handle)', () => {
  it('a public page without a cookie passes untouched: no override, no cookie, no crypto, no refresh', async () => {
    const rt = await runtime();
    const touched: string[] = [];
    rt.sessions = { ...rt.sessions, open: async () => (touched.push('decrypt'), null) };
    rt.refresher = { refresh: async () => (touched.push('refresh'), { kind: 'rejected' }) };
    const res = await handle(request('/', { headers: { cookie: 'theme=dark; _ga=1' } }), rt);
    expect(touched).toEqual([]);
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get('x-middleware-override-headers')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a password sign-in goes on untouched to the auth route handler: no session opened, no refresh, no cookie, no backend call', async () => {
    const backend = fakeFetch(() => envelopeGrant());
    const rt = await runtime({ fetch: backend.fetch });
    const touched: string[] = [];
    rt.sessions = { ...rt.sessions, open: async () => (touched.push('open'), null) };
    const cookie = await cookieFor(rt, session({ accessExpiresAt: Date.now() - 1 }));
    const res = await handle(
      request('/api/auth/login', { method: 'POST', headers: { cookie, origin: 'http://localhost:3000', 'content-type': 'application/json', 'x-middleware-subrequest': 'x' }, body: '{}' }),
      rt,
    );
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(touched).toEqual([]);
    expect(backend.calls).toHaveLength(0);
    // A client's own middleware headers are still stripped on the way.
    expect(res.headers.get('x-middleware-override-headers')?.split(',')).not.toContain('x-middleware-subrequest');
  });

  it('a protected page without a session redirects to login with next', async () => {
    const res = await handle(request('/account/settings?x=1'), await runtime());
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location')!).pathname + new URL(res.headers.get('location')!).search).toBe('/login?next=%2Faccount%2Fsettings%3Fx%3D1');
  });

  it('forwards /api/backend with the bearer, without the browser cookie or Authorization, and never announces the backend URL', async () => {
    const backend = fakeFetch(() => Response.json({ ok: true }, { headers: { 'x-backend': '1' } }));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await cookieFor(rt, session());
    const res = await handle(request('/api/backend/notes/1?q=2', { headers: { cookie, authorization: 'Bearer forged' } }), rt);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-backend')).toBe('1');
    expect(res.headers.get('x-middleware-rewrite')).toBeNull();
    const sent = new Headers(backend.calls[0].init.headers);
    expect(backend.calls[0].url.toString()).toBe('http://backend.test/api/notes/1?q=2');
    expect(sent.get('authorization')).toBe('Bearer access-1');
    expect(sent.get('cookie')).toBeNull();
  });

  it('refreshes an expiring session: Set-Cookie for the browser and the forwarded Cookie for Server Components', async () => {
    const backend = fakeFetch(() => envelopeGrant('access-2', 'refresh-2'));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await cookieFor(rt, session({ accessExpiresAt: Date.now() + 5_000 }));
    const res = await handle(request('/dashboard', { headers: { cookie } }), rt);
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0].url.pathname).toBe('/api/auth/refresh');
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    const newValue = setCookie.split(';')[0].split('=')[1];
    expect(res.headers.get('x-middleware-request-cookie')).toContain(`__Host-bff_session=${newValue}`);
    expect(res.headers.get('x-middleware-request-cookie')).toContain('theme=dark');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('a rejected refresh token logs out: cookie cleared, redirect with the reason', async () => {
    const rt = await runtime({ fetch: fakeFetch(() => Response.json({ error: 'invalid_grant' }, { status: 400 })).fetch });
    const cookie = await cookieFor(rt, session({ accessExpiresAt: Date.now() - 1 }));
    const res = await handle(request('/dashboard', { headers: { cookie } }), rt);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toContain('reason=session_expired');
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-bff_session=;.*Max-Age=0/i);
  });

  it('a transient refresh failure keeps the session; an expired token makes the API answer 503', async () => {
    const rt = await runtime({ fetch: fakeFetch(() => new Response('oops', { status: 502 })).fetch });
    const cookie = await cookieFor(rt, session({ accessExpiresAt: Date.now() - 1 }));
    const page = await handle(request('/dashboard', { headers: { cookie } }), rt);
    expect(page.headers.get('x-middleware-next')).toBe('1');
    expect(page.headers.getSetCookie()).toEqual([]);
    const api = await handle(request('/api/backend/notes', { headers: { cookie } }), rt);
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
  });

  it('a prefetch never starts a refresh', async () => {
    const backend = fakeFetch(() => envelopeGrant());
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await cookieFor(rt, session({ accessExpiresAt: Date.now() + 1_000 }));
    await handle(request('/dashboard', { headers: { cookie, 'sec-purpose': 'prefetch' } }), rt);
    expect(backend.calls).toHaveLength(0);
  });

  it('a tampered cookie is cleared and the visitor treated as anonymous', async () => {
    const rt = await runtime();
    const res = await handle(request('/', { headers: { cookie: '__Host-bff_session=eyJhbGciOiJkaXIifQ..x.y.z' } }), rt);
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-bff_session=;.*Max-Age=0/i);
    expect(res.headers.get('x-middleware-request-cookie') ?? '').not.toContain('bff_session');
  });

  it('client-sent x-middleware-* headers are not forwarded', async () => {
    const rt = await runtime();
    const res = await handle(request('/', { headers: { 'x-middleware-subrequest': 'middleware', 'x-middleware-prefetch': '1' } }), rt);
    const forwarded = res.headers.get('x-middleware-override-headers')!.split(',');
    expect(forwarded.some((h) => h.startsWith('x-middleware-'))).toBe(false);
  });

  it('with upstream JWT verification, a token that fails it is refreshed once; a refreshed token that fails too logs out', async () => {
    const secret = 'j'.repeat(32);
    const good = await new SignJWT({ sub: '1' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
    let next = good;
    const backend = fakeFetch(() => envelopeGrant(next, 'refresh-2'));
    const rt = await runtime({ env: { AUTH_JWT_SECRET: secret }, fetch: backend.fetch });
    const forged = await cookieFor(rt, session({ accessToken: 'forged.token.value' }));

    const ok = await handle(request('/api/backend/notes', { headers: { cookie: forged } }), rt);
    // One refresh, then the proxied call itself (forwarded directly because the response sets a cookie).
    expect(backend.calls.map((c) => c.url.pathname)).toEqual(['/api/auth/refresh', '/api/notes']);
    expect(new Headers(backend.calls[1].init.headers).get('authorization')).toBe(`Bearer ${good}`);
    expect(ok.status).toBe(200);

    next = 'still.not.valid';
    const forged2 = await cookieFor(rt, session({ accessToken: 'forged.other', refreshToken: 'refresh-9' }));
    const out = await handle(request('/dashboard', { headers: { cookie: forged2 } }), rt);
    expect(out.status).toBe(307);
    expect(out.headers.get('location')).toContain('reason=session_expired');
  });
});
