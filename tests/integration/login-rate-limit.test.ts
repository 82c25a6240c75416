import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startFixture, startStack, upstashEnv, type Stack } from '../helpers/stack';

/** The app's real defaults (10 / minute per IP, 5 / 15 minutes per identifier), as deployed. */
const DEFAULT_LIMITS = { RATE_LIMIT_LOGIN_PER_IP: '10/60', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '5/900' };

type Client = ReturnType<typeof clientFor>;

function attempt(c: Client, email: string, password: string, headers: Record<string, string> = {}) {
  return c.app('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...c.sameOrigin(), ...headers },
    body: JSON.stringify({ email, password }),
  });
}

describe('login rate limiting, self-hosted behind a trusted reverse proxy (in-memory limiter)', () => {
  let stack: Stack;
  let proxy: Awaited<ReturnType<typeof startFixture>>;
  let viaProxy: Client;
  let direct: Client;

  beforeAll(async () => {
    // The public origin is the proxy's; `direct` stands for requests a load balancer sends straight to the app.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    stack = await startStack({}, () => ({ ...DEFAULT_LIMITS, TRUSTED_PROXY_COUNT: '1', APP_URL: publicUrl }));
    proxy = await startFixture('reverse-proxy.mjs', [port, new URL(stack.appUrl).port], `${publicUrl}/`);
    viaProxy = clientFor({ app: () => publicUrl, backend: () => stack.backendUrl });
    direct = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl, origin: () => publicUrl });
  });
  afterAll(async () => {
    await proxy?.stop();
    await stack?.stop();
  });

  it('the 11th attempt in a minute from one IP gets 429 even while rotating a forged X-Forwarded-For', async () => {
    // A sliding window weighs the previous minute by its overlap: eleven attempts straddling a minute boundary may
    // legitimately count as fewer than ten, so they start well inside one.
    if (Date.now() % 60_000 > 45_000) await sleep(60_000 - (Date.now() % 60_000) + 100);
    const before = (await viaProxy.backend.stats()).loginCalls;
    for (let i = 0; i < 10; i++) {
      const res = await attempt(viaProxy, `nobody${i}@example.com`, 'wrong', { 'x-forwarded-for': `203.0.113.${i}` });
      expect(res.status).toBe(401);
    }
    const res = await attempt(viaProxy, 'nobody-else@example.com', 'wrong', { 'x-forwarded-for': '198.51.100.77' });
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error).toBe('rate_limited');
    expect(body.retryAfter).toBeGreaterThan(0);
    expect(res.headers.get('retry-after')).toBe(String(body.retryAfter));
    expect(body.message).toBe(`Too many attempts, try again in ${body.retryAfter} s.`);
    expect((await viaProxy.backend.stats()).loginCalls - before).toBe(10); // refused before the backend is called
  });

  it('failures lock an account for the network they come from; the owner elsewhere still signs in; spread failures lock it everywhere', async () => {
    const victim = await direct.newUser();
    for (let i = 0; i < 5; i++) expect((await attempt(direct, victim.email, 'guess', { 'x-forwarded-for': '192.0.2.10' })).status).toBe(401);
    // From that network, even the right password (in another spelling of the email) waits.
    expect((await attempt(direct, victim.email.toUpperCase(), victim.password, { 'x-forwarded-for': '192.0.2.10' })).status).toBe(429);
    expect((await attempt(direct, victim.email, victim.password, { 'x-forwarded-for': '192.0.2.200' })).status).toBe(200);
    // A guesser over many networks: 20 failures in all, then the account waits everywhere.
    for (let i = 0; i < 15; i++) expect((await attempt(direct, victim.email, 'guess', { 'x-forwarded-for': `192.0.2.${20 + i}` })).status).toBe(401);
    expect((await attempt(direct, victim.email, victim.password, { 'x-forwarded-for': '192.0.2.201' })).status).toBe(429);
  });

  it("strangers cannot lock the owner's browser out: one network stops at the 6th failure, 40 networks are stopped, a fresh one is refused, the owner signs in", async () => {
    const owner = await direct.newUser();
    const browser = new CookieJar();
    const signIn = (jar: CookieJar, password: string, ip: string) =>
      direct.app('/api/auth/login', {
        method: 'POST',
        jar,
        headers: { 'content-type': 'application/json', ...direct.sameOrigin(), 'x-forwarded-for': ip },
        body: JSON.stringify({ email: owner.email, password }),
      });
    // The owner signed in from this browser before: it is a known device from then on.
    expect((await signIn(browser, owner.password, '198.18.7.1')).status).toBe(200);
    expect([...browser.cookies.keys()].some((name) => name.includes('bff_device'))).toBe(true);
    const before = (await direct.backend.stats()).loginCalls;
    for (let i = 0; i < 5; i++) expect((await attempt(direct, owner.email, 'guess', { 'x-forwarded-for': '198.18.8.1' })).status).toBe(401);
    expect((await attempt(direct, owner.email, 'guess', { 'x-forwarded-for': '198.18.8.1' })).status).toBe(429);
    const spread = [];
    for (let i = 0; i < 40; i++) spread.push((await attempt(direct, owner.email, 'guess', { 'x-forwarded-for': `198.18.9.${i}` })).status);
    expect(spread.filter((s) => s === 401)).toHaveLength(15); // 20 failures in all reach the backend
    expect(spread.slice(15).every((s) => s === 429)).toBe(true);
    expect((await attempt(direct, owner.email, owner.password, { 'x-forwarded-for': '198.18.10.1' })).status).toBe(429);
    expect((await direct.backend.stats()).loginCalls - before).toBe(20);
    // Meanwhile the owner's browser signs in with the right password, from wherever it is.
    expect((await signIn(browser, owner.password, '198.18.11.1')).status).toBe(200);
  });

  it('200 concurrent wrong guesses from 20 networks: no more reach the backend than the limits allow', async () => {
    const victim = await direct.newUser();
    const before = (await direct.backend.stats()).loginCalls;
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(direct, victim.email, 'guess', { 'x-forwarded-for': `198.19.${i % 20}.1` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const reached = (await direct.backend.stats()).loginCalls - before;
    expect(reached).toBe(statuses.filter((s) => s === 401).length);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(20);
  });

  it('successful logins do not count against the identifier', async () => {
    const user = await direct.newUser();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await attempt(direct, user.email, 'typo', { 'x-forwarded-for': `192.0.2.${100 + round * 10 + i}` })).status).toBe(401);
      expect((await attempt(direct, user.email, user.password, { 'x-forwarded-for': `192.0.2.${150 + round}` })).status).toBe(200);
    }
  });

  it('a no-JavaScript form post over the limit returns to the login page with the wait time', async () => {
    const user = await direct.newUser();
    for (let i = 0; i < 5; i++) await attempt(direct, user.email, 'typo', { 'x-forwarded-for': '192.0.2.220' });
    const res = await direct.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...direct.sameOrigin(), 'x-forwarded-for': '192.0.2.220' },
      body: new URLSearchParams({ email: user.email, password: user.password }).toString(),
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, 'http://x');
    expect(location.searchParams.get('error')).toBe('rate_limited');
    expect(Number(location.searchParams.get('retryAfter'))).toBeGreaterThan(0);
  });
});

describe('login rate limiting on Upstash Redis, shared by two instances', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, () => ({ ...DEFAULT_LIMITS, ...upstashEnv(), TRUSTED_PROXY_COUNT: '1' }), 2);
  });
  afterAll(() => stack?.stop());

  it('counts across instances: 10 attempts spread over both, the 11th is refused on either', async () => {
    const [a, b] = stack.appUrls.map((url) => clientFor({ app: () => url, backend: () => stack.backendUrl }));
    const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 10; i++) {
      expect((await attempt(i % 2 ? a : b, `spread${i}@example.com`, 'wrong', { 'x-forwarded-for': ip })).status).toBe(401);
    }
    expect((await attempt(a, 'spread-a@example.com', 'wrong', { 'x-forwarded-for': ip })).status).toBe(429);
    expect((await attempt(b, 'spread-b@example.com', 'wrong', { 'x-forwarded-for': ip })).status).toBe(429);
  });
});

describe('rate limiter store unreachable', () => {
  const broken = { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x' };
  let closed: Stack;
  let open: Stack;
  beforeAll(async () => {
    [closed, open] = await Promise.all([
      startStack({}, () => ({ ...DEFAULT_LIMITS, ...broken })),
      startStack({}, () => ({ ...DEFAULT_LIMITS, ...broken, RATE_LIMIT_ON_ERROR: 'open' })),
    ]);
  });
  afterAll(() => Promise.all([closed?.stop(), open?.stop()]));

  it('closed (the default): a clear 503 JSON, never a 500', async () => {
    const c = clientFor({ app: () => closed.appUrl, backend: () => closed.backendUrl });
    const user = await c.newUser();
    const res = await attempt(c, user.email, user.password);
    expect(res.status).toBe(503);
    expect((await res.json()).error).toBe('rate_limit_unavailable');
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  it('open: logins go through', async () => {
    const c = clientFor({ app: () => open.appUrl, backend: () => open.backendUrl });
    const user = await c.newUser();
    expect((await attempt(c, user.email, user.password)).status).toBe(200);
  });
});
