import { beforeAll, describe, expect, it } from 'vitest';
import { app, backend, CookieJar, login, newUser, sameOrigin, sessionCookieName } from '../helpers/client';

/** Cross-site state changes are refused before the bearer is attached: the backend sees nothing. */
describe('CSRF', () => {
  const jar = new CookieJar();
  beforeAll(() => login(jar));

  const CROSS_SITE: [string, Record<string, string>][] = [
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['an opaque Origin (sandboxed iframe)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['neither Origin nor Sec-Fetch-Site', {}],
    ['a foreign Origin despite Sec-Fetch-Site: same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
  ];

  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    it.each(CROSS_SITE)(`/api/backend ${method} with %s → 403 JSON, nothing reaches the backend`, async (_label, headers) => {
      const before = (await backend.stats()).echoCalls;
      const res = await app('/api/backend/echo/x', { method, jar, headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'csrf_rejected' });
      expect((await backend.stats()).echoCalls).toBe(before);
    });
  }

  it('same-origin unsafe calls pass (Origin, or Sec-Fetch-Site alone)', async () => {
    expect((await app('/api/backend/echo/x', { method: 'POST', jar, headers: sameOrigin(), body: '{}' })).status).toBe(200);
    expect((await app('/api/backend/echo/x', { method: 'DELETE', jar, headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });

  it('a cross-site login (login CSRF) is refused before the backend is called', async () => {
    const user = await newUser();
    const before = (await backend.stats()).loginCalls;
    for (const headers of [{ origin: 'https://evil.example' }, {}] as Record<string, string>[]) {
      const res = await app('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ ...user }).toString(),
      });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect((await backend.stats()).loginCalls).toBe(before);
  });

  it('a cross-site logout (forced logout) is refused and the session survives', async () => {
    const victim = new CookieJar();
    await login(victim);
    const before = (await backend.stats()).logoutCalls;
    const res = await app('/api/auth/logout', { method: 'POST', jar: victim, headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
    expect(sessionCookieName(victim)).toBeDefined();
    expect((await backend.stats()).logoutCalls).toBe(before);
  });
});
