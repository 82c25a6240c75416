import { beforeEach, describe, expect, it } from 'vitest';
import { app, appUrl, backend, backendUrl, CookieJar, login, sameOrigin, sessionCookieName } from '../helpers/client';

describe('POST /api/auth/logout', () => {
  beforeEach(() => backend.reset());

  it('revokes upstream and clears the session', async () => {
    const jar = new CookieJar();
    await login(jar);
    const before = jar.clone();
    const res = await app('/api/auth/logout', { method: 'POST', jar, headers: sameOrigin() });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(sessionCookieName(jar)).toBeUndefined();
    expect((await backend.stats()).logoutCalls).toBe(1);

    // The old cookie's access token is now refused by the backend itself: revocation happened upstream.
    const replay = await app('/api/backend/notes', { jar: before });
    expect(replay.status).toBe(401);
    expect(await (await app('/api/auth/session', { jar })).json()).toEqual({ user: null });
  });

  it('a form post (no JavaScript) is answered with 303 to /', async () => {
    const jar = new CookieJar();
    await login(jar);
    const res = await app('/api/auth/logout', { method: 'POST', jar, headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${appUrl()}/`);
    expect(sessionCookieName(jar)).toBeUndefined();
  });

  it('the backend being slow does not hold logout longer than its bound', async () => {
    expect(backendUrl()).toMatch(/^http:/);
    const jar = new CookieJar();
    await login(jar);
    const started = Date.now();
    const res = await app('/api/auth/logout', { method: 'POST', jar, headers: sameOrigin() });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
