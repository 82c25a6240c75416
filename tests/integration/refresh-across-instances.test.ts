import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startStack, upstashEnv, type Stack } from '../helpers/stack';

/**
 * Two `next start` instances sharing Redis (through the Upstash REST fixture), one backend with
 * single-use rotating refresh tokens that revokes the whole family on reuse.
 */
describe('rotation-safe refresh across instances', () => {
  let stack: Stack;
  let a: ReturnType<typeof clientFor>;
  let b: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    stack = await startStack({}, () => ({ ...upstashEnv(), REFRESH_TIMEOUT_MS: '1500' }), 2);
    a = clientFor({ app: () => stack.appUrls[0], backend: () => stack.backendUrl });
    b = clientFor({ app: () => stack.appUrls[1], backend: () => stack.backendUrl });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => a.backend.reset());

  async function expiredSession(): Promise<CookieJar> {
    await a.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await a.login(jar);
    await a.backend.configure({ accessTtlSeconds: 3600 });
    await sleep(1100);
    return jar;
  }

  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.includes('bff_session='))?.split(';')[0];

  it('50 requests spread over both instances at once, then late ones with the old cookie: one refresh, nobody logged out', async () => {
    const jar = await expiredSession();
    const paths = ['/api/backend/notes', '/dashboard', '/'];
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).app(paths[i % 3], { jar: jar.clone() })));
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
    const cookies = new Set(burst.map(sessionCookie));
    expect(cookies.size).toBe(1); // the same new session from both instances
    expect([...cookies][0]).toBeDefined();

    const late = await Promise.all([a.app('/api/backend/notes', { jar: jar.clone() }), b.app('/api/backend/notes', { jar: jar.clone() })]);
    expect(late.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set([...late.map(sessionCookie), ...cookies]).size).toBe(1);
    expect((await a.backend.stats()).refreshCalls).toBe(1);
  });

  it("the lock holder's backend call timing out: the session survives and the next request refreshes", async () => {
    const jar = await expiredSession();
    await a.backend.configure({ refreshDelayMs: 2500 }); // beyond REFRESH_TIMEOUT_MS
    const during = await Promise.all([a.app('/api/backend/notes', { jar: jar.clone() }), b.app('/api/backend/notes', { jar: jar.clone() })]);
    expect(during.map((r) => r.status)).toEqual([503, 503]);
    expect(during.every((r) => !sessionCookie(r))).toBe(true); // no cookie cleared
    await a.backend.configure({ refreshDelayMs: 0 });
    await sleep(1200); // the slow call finishes at the backend without rotating (its client is gone)
    const after = await b.app('/api/backend/notes', { jar });
    expect(after.status).toBe(200);
    expect(sessionCookie(after)).toBeDefined();
  });

  it('the backend answering 5xx once, then succeeding: nobody logged out, the retry wins', async () => {
    const jar = await expiredSession();
    await a.backend.configure({ refreshFailures: 1, refreshStatus: 502 });
    const first = await Promise.all([a.app('/', { jar: jar.clone() }), b.app('/', { jar: jar.clone() })]);
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    const again = await a.app('/api/backend/notes', { jar });
    expect(again.status).toBe(200);
    expect((await a.backend.stats()).refreshCalls).toBeLessThanOrEqual(3);
    const stillIn = await b.app('/api/auth/session', { jar });
    expect((await stillIn.json()).user).not.toBeNull();
  });

  it('logout in one browser ends a copied cookie on every instance within the 5 s window', async () => {
    const jar = new CookieJar();
    await a.login(jar);
    const copy = jar.clone(); // e.g. exfiltrated before logout
    // Instance b has just seen the session alive, so it trusts "not revoked" for up to 5 s.
    expect((await b.app('/api/backend/notes', { jar: copy.clone() })).status).toBe(200);
    expect((await a.app('/api/auth/logout', { method: 'POST', jar, headers: a.sameOrigin() })).status).toBe(200);

    const onA = await a.app('/api/backend/notes', { jar: copy.clone() });
    expect(onA.status).toBe(401); // where the logout happened: at once
    await sleep(5_100);
    for (const c of [a, b]) {
      expect((await c.app('/api/backend/notes', { jar: copy.clone() })).status).toBe(401);
      const page = await c.app('/dashboard', { jar: copy.clone() });
      expect(page.headers.get('location')).toBe('/login?next=%2Fdashboard&reason=session_expired');
    }
  });
});


describe('Redis down during a refresh', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A store URL where nothing listens: every store call fails fast.
    // (Logins must still work with the store down, so the rate limiter fails open here.)
    stack = await startStack({}, () => ({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x', RATE_LIMIT_ON_ERROR: 'open' }));
  });
  afterAll(() => stack?.stop());

  it('never redeems without the store (another instance may be): pages render, the API answers 503, nobody is logged out', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    await c.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await c.login(jar);
    await c.backend.configure({ accessTtlSeconds: 3600 });
    await sleep(1100);
    const responses = await Promise.all(Array.from({ length: 10 }, () => c.app('/api/backend/notes', { jar: jar.clone() })));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 503));
    expect(responses[0].headers.get('retry-after')).toBe('5');
    expect(responses.flatMap((r) => r.headers.getSetCookie())).toEqual([]);
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
    expect((await (await c.app('/api/auth/session', { jar })).json()).user).not.toBeNull();
    expect((await c.backend.stats()).refreshCalls).toBe(0);
    expect(stack.apps[0].output()).toContain('refresh_store_unavailable');
    expect(stack.apps[0].output()).not.toMatch(/eyJ|bff_session=/); // the warning carries no secret
  });
});
