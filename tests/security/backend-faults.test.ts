import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';
import { startStack, type Stack } from '../helpers/stack';

type Client = ReturnType<typeof clientFor>;
const clientOf = (stack: Stack) => clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });

// The edge middleware forwards with `fetch`, `proxy.ts` on Node with `node:http`: both must fail the same honest way.
describe.each(RUNTIMES)('backend faults: honest JSON answers (%s)', (runtime) => {
  let stack: Stack;
  let c: Client;
  const jar = new CookieJar();
  beforeAll(async () => {
    stack = await startStack({}, () => ({ BACKEND_TIMEOUT_MS: '1500' }), 1, appDirFor(runtime));
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

  it('a decompression bomb (a small gzip answer that decodes past 32 MiB) → 502 JSON, never buffered whole', async () => {
    const res = await c.app('/api/backend/echo/bomb?bomb=64', { jar });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'backend_error' });
    // Under the bound, an encoded answer is decoded as fetch would.
    const fine = await c.app('/api/backend/echo/bomb?bomb=1', { jar });
    expect(fine.status).toBe(200);
    expect((await fine.arrayBuffer()).byteLength).toBe(1024 * 1024);
  });

  it('an answer cut short after its headers → 502 JSON at once, never a hang or half a body', async () => {
    const started = Date.now();
    const res = await c.app('/api/backend/echo/cut?cut=1', { jar });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'backend_unreachable' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("the backend's own JSON errors pass through unchanged", async () => {
    const res = await c.app('/api/backend/notes', { method: 'POST', jar, headers: { 'content-type': 'application/json', ...c.sameOrigin() }, body: '{"text":""}' });
    expect(res.status).toBe(422);
    expect((await res.json()).data.text).toBeDefined();
  });
});

describe.each(RUNTIMES)('backend down (%s)', (runtime) => {
  let stack: Stack;
  const jar = new CookieJar();
  beforeAll(async () => {
    stack = await startStack({}, () => ({}), 1, appDirFor(runtime));
    await clientOf(stack).login(jar);
    await stack.stopBackend();
  });
  afterAll(() => stack?.stop());

  it('APIs answer 502 JSON at once; pages render an honest message; login says so; the session is kept', async () => {
    const c = clientOf(stack);
    const started = Date.now();
    const api = await c.app('/api/backend/notes', { jar });
    expect(api.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await api.json()).toMatchObject({ error: 'backend_unreachable' });
    expect(api.headers.getSetCookie()).toEqual([]);

    const page = await c.app('/dashboard', { jar });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="notes-error"');
    expect(html).toContain('The backend could not be reached.');

    const attempt = await c.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...c.sameOrigin() },
      body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
    });
    expect(attempt.status).toBe(502);
    expect((await attempt.json()).error).toBe('backend_unreachable');
    expect((await (await c.app('/api/auth/session', { jar })).json()).user).not.toBeNull();
  });
});

describe('refresh-token reuse detected by the backend', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, () => ({ REFRESH_GRACE_SECONDS: '1' }));
  });
  afterAll(() => stack?.stop());

  it('an old copy of the cookie replayed past the grace window lands on the newest session: no reuse reaches the backend', async () => {
    const c = clientOf(stack);
    await c.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await c.login(jar);
    await sleep(1100);
    const old = jar.clone(); // e.g. an old tab, or a restored browser
    expect((await c.app('/api/backend/notes', { jar })).status).toBe(200); // rotates
    const refreshes = (await c.backend.stats()).refreshCalls;
    await sleep(1500); // past the grace window: redeeming the old refresh token now would be reuse
    const replay = await c.app('/dashboard', { jar: old });
    expect(replay.status).toBe(200);
    // The newest session was renewed once (its own token had expired too); the spent token was never sent again.
    expect((await c.backend.stats()).refreshCalls).toBe(refreshes + 1);
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
  });
});
