import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startStack, upstashEnv, type Stack } from '../helpers/stack';

/**
 * SESSION_MODE=server on the real app: two `next start` instances (edge middleware) sharing real redis-server
 * through the Upstash REST fixture, the example backend rotating single-use refresh tokens.
 */
describe('server-held sessions across two instances', () => {
  let stack: Stack;
  let a: ReturnType<typeof clientFor>;
  let b: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    stack = await startStack({}, () => ({ ...upstashEnv(), SESSION_MODE: 'server', REFRESH_TIMEOUT_MS: '1500' }), 2);
    a = clientFor({ app: () => stack.appUrls[0], backend: () => stack.backendUrl });
    b = clientFor({ app: () => stack.appUrls[1], backend: () => stack.backendUrl });
  });
  afterAll(() => stack?.stop());

  const sessionValue = (jar: CookieJar) => [...jar.cookies].find(([k]) => k.includes('bff_session'))?.[1];

  it('the browser holds an opaque id and key; a refresh on one instance changes no cookie and serves the other', async () => {
    await a.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await a.login(jar);
    await a.backend.configure({ accessTtlSeconds: 3600 });
    const value = sessionValue(jar)!;
    expect(value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    await sleep(1100);
    const before = (await a.backend.stats()).refreshCalls;
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).app('/api/backend/notes', { jar: jar.clone() })));
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
    expect((await a.backend.stats()).refreshCalls - before).toBe(1);
    expect(sessionValue(jar)).toBe(value);
    // A page rendered on the other instance sees the signed-in user.
    const page = await b.app('/dashboard', { jar });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="dashboard-user"');
  });

  it('lists the sessions of the user, and logout with scope=others ends the other one on every instance within a second', async () => {
    const user = await a.newUser();
    const laptop = new CookieJar();
    const phone = new CookieJar();
    await a.login(laptop, user);
    await b.login(phone, user);
    const list = await (await a.app('/api/auth/sessions', { jar: laptop })).json();
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(sessionValue(laptop)!.split('.')[1]);
    const res = await a.app('/api/auth/logout', { method: 'POST', jar: laptop, headers: { 'content-type': 'application/json', ...a.sameOrigin() }, body: JSON.stringify({ scope: 'others' }) });
    expect(res.status).toBe(200);
    await sleep(1100);
    expect((await b.app('/api/backend/notes', { jar: phone.clone() })).status).toBe(401);
    expect((await b.app('/api/backend/notes', { jar: laptop })).status).toBe(200);
    // And a local logout: the cookie is refused on the other instance within a second.
    const copy = laptop.clone();
    await a.app('/api/auth/logout', { method: 'POST', jar: laptop, headers: a.sameOrigin() });
    await sleep(1100);
    expect((await b.app('/api/backend/notes', { jar: copy })).status).toBe(401);
  });
});
