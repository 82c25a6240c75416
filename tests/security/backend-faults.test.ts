import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app, clientFor, CookieJar, login, sameOrigin, sleep } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';

type Client = ReturnType<typeof clientFor>;
const clientOf = (stack: Stack) => clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });

describe('backend faults with PROXY_MODE=fetch: honest JSON answers', () => {
  let stack: Stack;
  let c: Client;
  const jar = new CookieJar();
  beforeAll(async () => {
    stack = await startStack({}, () => ({ PROXY_MODE: 'fetch', BACKEND_TIMEOUT_MS: '1500' }));
    c = clientOf(stack);
    await c.login(jar);
  });
  afterAll(() => stack?.stop());

  it('slow past the timeout → 504 JSON', async () => {
    const res = await c.app('/api/backend/echo/slow?delay=3000', { jar });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: 'backend_timeout' });
  });

  it('an HTML 500 page from the backend → 502 JSON', async () => {
    const res = await c.app('/api/backend/echo/broken?status=500', { jar });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error: 'backend_error', message: 'The backend failed (HTTP 500).' });
  });

  it("the backend's own JSON errors pass through unchanged", async () => {
    const res = await c.app('/api/backend/notes', { method: 'POST', jar, headers: { 'content-type': 'application/json', ...c.sameOrigin() }, body: '{"text":""}' });
    expect(res.status).toBe(422);
    expect((await res.json()).data.text).toBeDefined();
  });
});

describe('backend faults with the default PROXY_MODE=rewrite (documented limits)', () => {
  const jar = new CookieJar();
  beforeAll(() => login(jar));

  it("the backend's own error answers pass through as they are", async () => {
    const html = await app('/api/backend/echo/broken?status=500', { jar });
    expect(html.status).toBe(500);
    const json = await app('/api/backend/notes', { method: 'POST', jar, headers: { 'content-type': 'application/json', ...sameOrigin() }, body: '{"text":""}' });
    expect(json.status).toBe(422);
  });
});

describe('backend down', () => {
  let fetchMode: Stack;
  let rewriteMode: Stack;
  const jars = { fetch: new CookieJar(), rewrite: new CookieJar() };
  beforeAll(async () => {
    [fetchMode, rewriteMode] = await Promise.all([startStack({}, () => ({ PROXY_MODE: 'fetch' })), startStack({}, () => ({}))]);
    await Promise.all([clientOf(fetchMode).login(jars.fetch), clientOf(rewriteMode).login(jars.rewrite)]);
    await Promise.all([fetchMode.stopBackend(), rewriteMode.stopBackend()]);
  });
  afterAll(() => Promise.all([fetchMode?.stop(), rewriteMode?.stop()]));

  it('fetch mode: APIs answer 502 JSON; pages render an honest message; login says so; the session is kept', async () => {
    const c = clientOf(fetchMode);
    const api = await c.app('/api/backend/notes', { jar: jars.fetch });
    expect(api.status).toBe(502);
    expect(await api.json()).toMatchObject({ error: 'backend_unreachable' });
    expect(api.headers.getSetCookie()).toEqual([]);

    const page = await c.app('/dashboard', { jar: jars.fetch });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('The backend is unreachable right now');

    const attempt = await c.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...c.sameOrigin() },
      body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
    });
    expect(attempt.status).toBe(502);
    expect((await attempt.json()).error).toBe('backend_unreachable');
    expect((await (await c.app('/api/auth/session', { jar: jars.fetch })).json()).user).not.toBeNull();
  });

  it("rewrite mode: Next's own bare 500 for the API (documented), honest pages, the session kept, no hang", async () => {
    const c = clientOf(rewriteMode);
    const started = Date.now();
    const api = await c.app('/api/backend/notes', { jar: jars.rewrite });
    expect(api.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(api.headers.getSetCookie()).toEqual([]);
    const page = await c.app('/dashboard', { jar: jars.rewrite });
    expect(await page.text()).toContain('The backend is unreachable right now');
    expect((await (await c.app('/api/auth/session', { jar: jars.rewrite })).json()).user).not.toBeNull();
  });
});

describe('refresh-token reuse detected by the backend', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, () => ({ REFRESH_GRACE_SECONDS: '1' }));
  });
  afterAll(() => stack?.stop());

  it('the backend revokes the family; the user is logged out cleanly, with a message on the login page', async () => {
    const c = clientOf(stack);
    await c.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await c.login(jar);
    await sleep(1100);
    const stolen = jar.clone(); // e.g. an old copy of the cookie replayed later
    expect((await c.app('/api/backend/notes', { jar })).status).toBe(200); // rotates
    await sleep(1500); // past the grace window: the old refresh token is now plain reuse

    const replay = await c.app('/dashboard', { jar: stolen });
    expect(replay.status).toBe(307);
    expect(replay.headers.get('location')).toBe('/login?next=%2Fdashboard&reason=session_expired');

    await sleep(1100); // the legitimate session's token expires too: its family was revoked
    const victim = await c.app('/dashboard', { jar });
    expect(victim.status).toBe(307);
    const loginPage = await c.app(victim.headers.get('location')!);
    expect(await loginPage.text()).toContain('Your session has ended. Please sign in again.');
  });
});
