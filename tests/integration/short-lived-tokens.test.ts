import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';

type Client = ReturnType<typeof clientFor>;

/**
 * Access tokens of 3 s, ten times shorter than the 30 s grace window, against the example backend's rotating,
 * single-use refresh tokens with reuse detection (a reused token revokes the family: the test would see 401s).
 */
describe('access tokens shorter than the grace window', () => {
  let stack: Stack;
  let c: Client;
  beforeAll(async () => {
    stack = await startStack({ ACCESS_TTL_SECONDS: '3' }, () => ({}));
    c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
  });
  afterAll(() => stack?.stop());

  const refreshCalls = async () => (await c.backend.stats()).refreshCalls;

  it('a burst of 20 at expiry: one refresh, every answer 200 (no dead token reached the backend)', async () => {
    const jar = new CookieJar();
    await c.login(jar);
    await sleep(3_100);
    const before = await refreshCalls();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => c.app(i % 2 ? '/api/backend/notes' : '/dashboard', { jar: jar.clone() })));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect((await refreshCalls()) - before).toBe(1);
  });

  it('a request with a cookie two rotations old lands on the newest session', async () => {
    const jar = new CookieJar();
    await c.login(jar);
    const original = jar.clone();
    const before = await refreshCalls();
    for (let i = 0; i < 2; i++) {
      await sleep(3_100);
      expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
    }
    expect((await refreshCalls()) - before).toBe(2);
    const newest = jar.cookies.get('__Host-bff_session');

    const late = await c.app('/api/backend/notes', { jar: original });
    expect(late.status).toBe(200);
    // No extra redemption, and the old cookie is replaced by the newest session, not by a dead intermediate one.
    expect((await refreshCalls()) - before).toBe(2);
    expect(original.cookies.get('__Host-bff_session')).toBe(newest);
  });

  it('the skew fits the token: steady traffic for 7 s refreshes about every 2.25 s, not on every request', async () => {
    const jar = new CookieJar();
    await c.login(jar);
    const before = await refreshCalls();
    let requests = 0;
    for (const end = Date.now() + 7_000; Date.now() < end; requests++) {
      expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
      await sleep(200);
    }
    const made = (await refreshCalls()) - before;
    expect(requests).toBeGreaterThan(20);
    expect(made).toBeGreaterThanOrEqual(2);
    expect(made).toBeLessThanOrEqual(4);
  });

  it("an HTML 403 from a WAF in front of the refresh endpoint: nobody is logged out; the API answers 503 until it passes", async () => {
    const jar = new CookieJar();
    await c.login(jar);
    await sleep(3_100);
    await c.backend.configure({ refreshFailures: 1, refreshStatus: 403 });
    const api = await c.app('/api/backend/notes', { jar });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    expect((await api.json()).error).toBe('refresh_unavailable');
    expect(api.headers.getSetCookie()).toEqual([]);
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
    expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
  });
});

describe('a JWKS endpoint that goes down while the provider rotates its signing key', () => {
  let stack: Stack;
  let c: Client;
  beforeAll(async () => {
    stack = await startStack({ AUTH_MODE: 'oauth2', JWT_ALG: 'ES256', ACCESS_TTL_SECONDS: '3' }, (backendUrl) => ({
      AUTH_PRESET: 'oauth2',
      AUTH_LOGOUT_PATH: '/oauth/revoke',
      AUTH_PROFILE_PATH: '/oauth/userinfo',
      AUTH_JWKS_URL: `${backendUrl}/.well-known/jwks.json`,
    }));
    c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
  });
  afterAll(() => stack?.stop());

  it('the refreshed token cannot be checked: the rotated session is kept, nobody is logged out', async () => {
    const jar = new CookieJar();
    await c.login(jar);
    await c.backend.post('/__test/rotate-key');
    await c.backend.configure({ jwksDown: true });
    await sleep(3_100);
    const res = await c.app('/api/backend/notes', { jar });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-bff_session=') && !/Max-Age=0/i.test(cookie))).toBe(true);
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
    expect(stack.apps[0].output()).toContain('refresh_token_unverifiable');
    expect(stack.apps[0].output()).not.toContain('refresh_rejected');
  });
});
