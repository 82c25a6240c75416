import { beforeEach, describe, expect, it } from 'vitest';
import { app, appUrl, backend, CookieJar, login, sessionCookieName, sleep } from '../helpers/client';

const appUrlOrigin = () => new URL(appUrl()).origin;

/** Logs in with access tokens that live `ttl` seconds: inside the 30 s skew, so the next request refreshes. */
async function expiringSession(ttl = 1): Promise<CookieJar> {
  await backend.configure({ accessTtlSeconds: ttl });
  const jar = new CookieJar();
  await login(jar);
  await backend.configure({ accessTtlSeconds: 3600 }); // refreshed tokens live long: one refresh per test
  await sleep(ttl * 1000 + 100); // the backend now refuses the old access token
  return jar;
}

describe('silent refresh', () => {
  beforeEach(() => backend.reset());

  it('the Server Component of the refreshing request already uses the new session', async () => {
    const jar = await expiringSession();
    const before = jar.header();
    const res = await app('/dashboard', { jar });
    expect(res.status).toBe(200);
    const html = await res.text();
    // The old access token is expired at the backend: rendering the notes proves the page used the new one.
    expect(html).toContain('No notes yet.');
    expect(html).not.toContain('could not be loaded');
    expect(res.headers.getSetCookie().some((c) => c.includes('bff_session='))).toBe(true);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(jar.header()).not.toBe(before);
    expect((await backend.stats()).refreshCalls).toBe(1);
  });

  it('a burst of 20 parallel requests at expiry makes exactly one refresh call and logs nobody out', async () => {
    const jar = await expiringSession();
    const paths = Array.from({ length: 20 }, (_, i) => (i % 2 ? '/api/backend/notes' : '/dashboard'));
    const responses = await Promise.all(paths.map((p) => app(p, { jar: jar.clone() })));
    expect(responses.map((r) => r.status)).toEqual(paths.map(() => 200));
    const cookies = new Set(responses.map((r) => r.headers.getSetCookie().find((c) => c.includes('bff_session='))?.split(';')[0]));
    expect(cookies.size).toBe(1); // one new session, the same for every request
    expect([...cookies][0]).toBeDefined();
    expect((await backend.stats()).refreshCalls).toBe(1);
  });

  it('a request that still carries the old cookie after the rotation succeeds without a second refresh', async () => {
    const jar = await expiringSession();
    const old = jar.clone();
    expect((await app('/api/backend/notes', { jar })).status).toBe(200);
    const late = await app('/api/backend/notes', { jar: old });
    expect(late.status).toBe(200);
    expect(late.headers.getSetCookie().some((c) => c.includes('bff_session='))).toBe(true);
    expect((await backend.stats()).refreshCalls).toBe(1);
  });

  it('the refreshing API request does not hand the new session cookie to the backend', async () => {
    const jar = await expiringSession();
    const res = await app('/api/backend/echo/x', { jar });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.includes('bff_session='))).toBe(true);
    const echo = (await res.json()) as { headers: Record<string, string> };
    expect(echo.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(echo.headers['set-cookie']).toBeUndefined();
    expect(echo.headers['x-middleware-set-cookie']).toBeUndefined();
    expect(echo.headers.cookie).toBeUndefined();
    expect(JSON.stringify(echo.headers)).not.toContain('bff_session');
    expect((await backend.stats()).refreshCalls).toBe(1);
  });

  it('an unexpired session is not refreshed and no cookie is re-issued', async () => {
    await backend.configure({ accessTtlSeconds: 3600 });
    const jar = new CookieJar();
    await login(jar);
    const res = await app('/dashboard', { jar });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await backend.stats()).refreshCalls).toBe(0);
  });

  it('a backend outage during refresh keeps the session: pages render, the API answers 503 with Retry-After', async () => {
    const jar = await expiringSession();
    await backend.configure({ refreshFailures: 2, refreshStatus: 503 });
    const page = await app('/', { jar });
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie()).toEqual([]); // not logged out
    const api = await app('/api/backend/notes', { jar });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBeTruthy();
    expect((await api.json()).error).toBe('refresh_unavailable');
    // Once the backend is back, the same cookie refreshes normally.
    const ok = await app('/api/backend/notes', { jar });
    expect(ok.status).toBe(200);
    expect(sessionCookieName(jar)).toBeDefined();
  });

  it('a refresh token the backend rejects (revoked family) logs the user out cleanly', async () => {
    const jar = await expiringSession();
    // Revoke the family at the backend directly, as an admin or another device's logout would.
    const stolen = jar.clone();
    expect((await app('/api/auth/logout', { method: 'POST', jar: stolen, headers: { origin: appUrlOrigin() } })).status).toBe(200);
    const res = await app('/dashboard', { jar });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard&reason=session_expired');
    expect(res.headers.getSetCookie().some((c) => /bff_session=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true);
    expect(sessionCookieName(jar)).toBeUndefined();
  });
});
