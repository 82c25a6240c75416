import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendAdapter } from '@/edge/backend/types';
import { authRoute } from '@/edge/auth/routes';
import { ConfigError } from '@/edge/errors';
import { handle } from '@/edge/handle';
import type { LogoutEvent, SessionEvent } from '@/edge/hooks';
import { openSession, sealSession } from '@/edge/session/codec';
import { envelopeGrant, fakeFetch, request, runtime, session, testConfig } from '../helpers/unit';

const loginRequest = (path = '/api/auth/login') =>
  request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', host: 'localhost:3000' },
    body: JSON.stringify({ email: 'demo@example.com', password: 'pw' }),
  });

function sessionCookieValue(res: Response, name: string): string {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))!.split(';')[0].slice(name.length + 1);
}

afterEach(() => vi.restoreAllMocks());

describe('options in code, on top of the environment', () => {
  it('a custom adapter is one object: its calls go out and its answers make the session', async () => {
    const adapter: BackendAdapter = {
      name: 'sanctum-like',
      login: ({ email, password }) => ({ path: '/sanctum/token', method: 'POST', body: JSON.stringify({ email, password, device_name: 'bff' }) }),
      parseLogin: (reply) =>
        reply.status === 200
          ? { ok: true, grant: { accessToken: (reply.json as { token: string }).token, accessExpiresIn: 600, user: { id: '7', email: 'demo@example.com' } } }
          : { ok: false, error: new ConfigError(['unused']) as never },
      refresh: () => ({ path: '/unused', method: 'POST' }),
      parseRefresh: () => ({ ok: false, kind: 'rejected', reason: 'no_refresh' }),
      logout: () => null,
    };
    const backend = fakeFetch(() => Response.json({ token: 'plain-token' }));
    const rt = await runtime({ fetch: backend.fetch, adapter });
    const res = await authRoute(loginRequest(), rt);
    expect(res.status).toBe(200);
    expect(backend.calls[0].url.pathname).toBe('/api/sanctum/token');
    expect(JSON.parse(String(backend.calls[0].init.body))).toMatchObject({ device_name: 'bff' });
    const opened = await openSession(sessionCookieValue(res, rt.config.cookie.name), rt.keyring);
    expect(opened).toMatchObject({ accessToken: 'plain-token', user: { id: '7' } });
  });

  it('mapUser builds the stored user from every source: login answer, preset user, claims', async () => {
    const rt = await runtime({
      fetch: fakeFetch(() => envelopeGrant()).fetch,
      mapUser: ({ login, user }) => ({ ...user!, roles: ['staff'], fromLogin: typeof (login as { data?: unknown }).data }),
    });
    const res = await authRoute(loginRequest(), rt);
    expect(await res.json()).toEqual({ user: { id: '1', email: 'demo@example.com', name: 'Demo', roles: ['staff'], fromLogin: 'object' } });
    const opened = await openSession(sessionCookieValue(res, rt.config.cookie.name), rt.keyring);
    expect(opened?.user).toMatchObject({ roles: ['staff'] });
  });

  it('a mapper that returns no usable user fails the login clearly, without a cookie', async () => {
    const rt = await runtime({ fetch: fakeFetch(() => envelopeGrant()).fetch, mapUser: () => ({ id: '' }) });
    const res = await authRoute(loginRequest(), rt);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'backend_error' });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('hooks hear login, refresh and logout with the user and session id, never a token; a failing hook changes nothing', async () => {
    const events: [string, SessionEvent | LogoutEvent][] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const rt = await runtime({
      fetch: fakeFetch((url) => (url.pathname.endsWith('/logout') ? Response.json({}) : envelopeGrant('access-9', 'refresh-9'))).fetch,
      hooks: {
        onLogin: (e) => void events.push(['login', e]),
        onRefresh: (e) => {
          events.push(['refresh', e]);
          throw new Error('analytics down: refresh-9');
        },
        onLogout: (e) => void events.push(['logout', e]),
      },
    });
    expect((await authRoute(loginRequest(), rt)).status).toBe(200);

    const expiring = session({ sid: 'sid-1', accessExpiresAt: Date.now() + 5_000 });
    const cookie = `${rt.config.cookie.name}=${await sealSession(expiring, rt.keyring)}`;
    const page = await handle(request('/dashboard', { headers: { cookie } }), rt);
    expect(page.headers.getSetCookie().some((c) => c.startsWith(rt.config.cookie.name))).toBe(true);
    // Logout is answered by the route handlers (the middleware lets it through to them).
    const logout = await authRoute(request('/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'http://localhost:3000', host: 'localhost:3000' } }), rt);
    expect(logout.status).toBe(200);

    expect(events.map(([name]) => name)).toEqual(['login', 'refresh', 'logout']);
    expect(events[1][1]).toEqual({ user: expiring.user, sessionId: 'sid-1' });
    expect(events[2][1]).toMatchObject({ reason: 'logout', sessionId: 'sid-1' });
    expect(JSON.stringify(events)).not.toMatch(/access-|refresh-/);
    const logged = warn.mock.calls.map((c) => String(c[0]));
    expect(logged).toContain(JSON.stringify({ level: 'warn', source: 'bff', event: 'hook_failed', hook: 'onRefresh' }));
    expect(logged.join()).not.toContain('refresh-9');
  });

  it('route prefixes move the proxy, the auth endpoints and the login page', async () => {
    const backend = fakeFetch(() => Response.json({ ok: true }));
    const rt = await runtime({ fetch: backend.fetch, routes: { backend: '/data', auth: '/session-api', loginPage: '/sign-in' } });
    const cookie = `${rt.config.cookie.name}=${await sealSession(session(), rt.keyring)}`;
    expect((await handle(request('/data/notes/', { headers: { cookie } }), rt)).status).toBe(200);
    expect(backend.calls[0].url.pathname).toBe('/api/notes/');
    expect((await handle(request('/api/backend/notes'), rt)).status).not.toBe(401); // no longer ours: a page like any other
    const anonymous = await handle(request('/dashboard'), rt);
    expect(new URL(anonymous.headers.get('location')!).pathname).toBe('/sign-in');
    expect((await handle(request('/session-api/nope'), rt)).status).toBe(404);
  });

  it('route prefixes are validated once, with a sentence per problem', () => {
    expect(() => testConfig({}, { routes: { backend: '/api/auth/x' } })).toThrow(/routes.auth and routes.backend must not contain each other/);
    expect(() => testConfig({}, { routes: { loginPage: 'login' } })).toThrow(/routes.loginPage must be a path like/);
    expect(() => testConfig({}, { routes: { auth: '/api/auth/' } })).toThrow(ConfigError);
  });
});
