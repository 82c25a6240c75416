import { describe, expect, it } from 'vitest';
import { authRoute } from '@/edge/auth/routes';
import { handle } from '@/edge/handle';
import type { BffRuntime } from '@/edge/runtime';
import { MemoryStore } from '../helpers/memory-store';
import { rotatingBackend } from '../helpers/rotating-backend';
import { request, runtime } from '../helpers/unit';

const ORIGIN = { origin: 'http://localhost:3000', host: 'localhost:3000' };
const SERVER = { SESSION_MODE: 'server', UPSTASH_REDIS_REST_URL: 'http://store.test', UPSTASH_REDIS_REST_TOKEN: 't', RATE_LIMIT_ON_ERROR: 'open' };

async function stack(env: Record<string, string> = SERVER, ttlMs = 60_000) {
  let t = Date.now();
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const backend = rotatingBackend(clock.now, { ttlMs });
  // The login answer of the rotating backend: its first grant.
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    if (url.pathname.endsWith('/auth/login')) {
      return backend.fetch(new URL('/api/auth/refresh', url), { ...init, body: JSON.stringify({ refresh_token: `login-${Math.random()}` }) });
    }
    return backend.fetch(input, init);
  }) as typeof globalThis.fetch;
  const store = new MemoryStore(clock.now);
  const [a, b] = await Promise.all([0, 1].map(() => runtime({ env, fetch, store, now: clock.now })));
  return { a, b, clock, store, backend };
}

async function login(rt: BffRuntime, userAgent = 'Firefox'): Promise<string> {
  const res = await authRoute(
    request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...ORIGIN }, body: JSON.stringify({ email: 'demo@example.com', password: 'pw' }) }),
    rt,
  );
  expect(res.status).toBe(200);
  return res.headers.getSetCookie()[0].split(';')[0];
}

const api = (rt: BffRuntime, cookie: string) => handle(request('/api/backend/notes', { headers: { cookie } }), rt);

/** `times` API calls `everyMs` apart, each answered 200; returns the cookie as the browser holds it afterwards. */
async function callEvery(rt: BffRuntime, clock: { advance(ms: number): void }, cookie: string, everyMs: number, times: number): Promise<string> {
  for (let i = 0; i < times; i++) {
    clock.advance(everyMs);
    const res = await api(rt, cookie);
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0];
  }
  return cookie;
}
const auth = (rt: BffRuntime, path: string, cookie: string, body?: unknown) =>
  authRoute(
    request(`/api/auth/${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...ORIGIN }, body: JSON.stringify(body) }),
    rt,
  );

describe('server-held sessions (SESSION_MODE=server)', () => {
  it('the cookie is an opaque id and key under 200 bytes; the store holds no token in clear', async () => {
    const { a, store } = await stack();
    const cookie = await login(a);
    const value = cookie.split('=')[1];
    expect(value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(cookie.length).toBeLessThanOrEqual(200);
    const held = [...store.data.values()].map((e) => e.value).join('\n');
    expect(held).not.toMatch(/access-\d|refresh-\d/);
  });

  it('a refresh anywhere updates the record; the cookie never changes; another instance uses the new tokens without a second redeem', async () => {
    const { a, b, clock, backend } = await stack(SERVER, 20_000);
    const cookie = await login(a);
    clock.advance(25_000); // the access token has expired
    const first = await api(a, cookie);
    expect(first.status).toBe(200);
    expect(first.headers.getSetCookie().filter((c) => !c.startsWith(cookie))).toEqual([]);
    clock.advance(1_500); // past the record cache
    expect((await api(b, cookie)).status).toBe(200);
    expect(backend.redeemed.filter((r) => r.startsWith('refresh-'))).toEqual(['refresh-1']);
  });

  it('logout deletes the record: the cookie is refused on every instance within a second', async () => {
    const { a, b, clock } = await stack();
    const cookie = await login(a);
    expect((await api(b, cookie)).status).toBe(200);
    expect((await auth(a, 'logout', cookie, {})).status).toBe(200);
    expect((await api(a, cookie)).status).toBe(401);
    clock.advance(1_001);
    expect((await api(b, cookie)).status).toBe(401);
  });

  it('lists the user’s sessions and ends the others or all of them (scopes), never a token in the list', async () => {
    const { a, b, clock } = await stack();
    const laptop = await login(a, 'Firefox');
    const phone = await login(b, 'Safari');
    const list = await (await auth(a, 'sessions', laptop)).json();
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.find((s: { current: boolean }) => s.current).userAgent).toBe('Firefox');
    expect(JSON.stringify(list)).not.toMatch(/access-|refresh-/);
    const ended = await auth(a, 'logout', laptop, { scope: 'others' });
    expect(await ended.json()).toEqual({ ok: true, scope: 'others' });
    expect(ended.headers.getSetCookie()).toEqual([]); // this one stays signed in
    clock.advance(1_001);
    expect((await api(b, phone)).status).toBe(401);
    expect((await api(a, laptop)).status).toBe(200);
    const tablet = await login(b, 'Chrome');
    expect((await auth(b, 'logout', tablet, { scope: 'global' })).status).toBe(200);
    clock.advance(1_001);
    for (const c of [laptop, tablet]) expect((await api(a, c)).status).toBe(401);
  });

  it('a cookie with the right id and another key is signed out on every instance, before and after a refresh; the owner stays signed in', async () => {
    const { a, b, clock, backend } = await stack(SERVER, 20_000);
    const victim = await login(a);
    const [name, value] = victim.split('=');
    const forged = `${name}=${value.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await api(a, victim)).status).toBe(200); // the record is in a's cache now
    for (const rt of [a, b]) expect((await api(rt, forged)).status).toBe(401);
    clock.advance(25_000); // the access token has expired: a refresh is due
    for (const rt of [a, b]) expect((await api(rt, forged)).status).toBe(401);
    expect(backend.redeemed.filter((r) => r.startsWith('refresh-'))).toEqual([]); // the forged cookie redeemed nothing, re-sealed nothing
    expect((await api(a, victim)).status).toBe(200);
    clock.advance(1_500);
    for (const rt of [a, b]) expect((await api(rt, victim)).status).toBe(200);
    for (const rt of [a, b]) expect((await api(rt, forged)).status).toBe(401);
  });

  it('a signed-in request costs one store read per second (the record): ending it deletes the record, no revocation list to read', async () => {
    const { a, b, clock, store } = await stack();
    const cookie = await login(a);
    clock.advance(1_001);
    store.reads.length = 0;
    for (let i = 0; i < 5; i++) expect((await api(a, cookie)).status).toBe(200);
    expect(store.reads.filter((k) => !k.startsWith('bff:refresh'))).toEqual([expect.stringMatching(/^bff:session:/)]);
    // Ended on one instance, refused on the other within the record cache.
    expect((await auth(b, 'logout', cookie, {})).status).toBe(200);
    clock.advance(1_001);
    expect((await api(a, cookie)).status).toBe(401);
  });

  it('a well-formed cookie naming no session costs at most one store read per id per second', async () => {
    const { a, clock, store } = await stack();
    const unknown = `__Host-bff_session=${'B'.repeat(22)}.${'C'.repeat(43)}`;
    for (let i = 0; i < 20; i++) expect((await api(a, unknown)).status).toBe(401);
    const reads = () => store.reads.filter((k) => k.includes('B'.repeat(22))).length;
    expect(reads()).toBe(1);
    clock.advance(1_001);
    await api(a, unknown);
    expect(reads()).toBe(2);
  });

  it('a session used every few minutes past its first lifetime stays listed, and others, endSession(id) and global end it, revoked upstream and told to onLogout', async () => {
    const ended: string[] = [];
    const { a, b, clock, backend } = await stack({ ...SERVER, SESSION_IDLE_SECONDS: '600' }, 3600_000);
    for (const rt of [a, b]) rt.hooks = { onLogout: (e) => void ended.push(`${e.reason}:${e.sessionId}`) };
    let phone = await login(b, 'Safari');
    clock.advance(60_000);
    const laptop = await login(a, 'Firefox');
    // 40 minutes of use, every 5: well past the 10-minute idle window the index first had.
    for (let i = 0; i < 8; i++) {
      phone = await callEvery(b, clock, phone, 5 * 60_000, 1);
      await callEvery(a, clock, laptop, 0, 1);
    }
    const listed = (await (await auth(a, 'sessions', laptop)).json()).sessions as { id: string; userAgent: string }[];
    expect(listed.map((s) => s.userAgent).sort()).toEqual(['Firefox', 'Safari']);
    expect((await auth(a, 'logout', laptop, { scope: 'others' })).status).toBe(200);
    clock.advance(1_001);
    expect((await api(b, phone)).status).toBe(401);
    expect(backend.revoked).toHaveLength(1);
    expect(ended).toEqual([`ended_by_user:${listed.find((s) => s.userAgent === 'Safari')!.id}`]);
    // global: every session, this one too, each revoked once.
    const tablet = await login(b, 'Chrome');
    expect((await auth(a, 'logout', laptop, { scope: 'global' })).status).toBe(200);
    clock.advance(1_001);
    for (const c of [laptop, tablet]) expect((await api(b, c)).status).toBe(401);
    expect(backend.revoked).toHaveLength(3);
    expect(ended.map((e) => e.split(':')[0])).toEqual(['ended_by_user', 'ended_by_user', 'logout']);
  });

  it('endSession(id) of a record without a readable copy (written before copies) ends it and hands back no session, never the asker', async () => {
    const { a, store } = await stack();
    const laptop = await login(a, 'Firefox');
    const phone = await login(a, 'Safari');
    const phoneId = phone.split('=')[1].split('.')[0];
    const entry = store.data.get(`bff:session:${phoneId}`)!;
    const legacy = JSON.parse(entry.value) as Record<string, unknown>;
    delete legacy.r;
    entry.value = JSON.stringify(legacy);
    const value = laptop.split('=')[1];
    const asker = await a.sessions.open(value);
    if (!asker || typeof asker === 'symbol') throw new Error('laptop not signed in');
    const sid = (await a.sessions.list(value, asker)).find((s) => s.userAgent === 'Safari')!.id;
    expect(await a.sessions.endById(value, asker, sid)).toEqual({ ended: undefined });
    expect(store.data.has(`bff:session:${phoneId}`)).toBe(false);
  });

  it('a bad scope is a 400 with the field named', async () => {
    const { a } = await stack();
    const cookie = await login(a);
    const res = await auth(a, 'logout', cookie, { scope: 'everyone' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'bad_request', fields: { scope: expect.any(Array) } });
  });

  it('a store outage is neither a login redirect nor a cleared cookie: 503, and the session is back when the store is', async () => {
    const { a, clock, store } = await stack();
    const cookie = await login(a);
    clock.advance(1_001);
    store.failing = true;
    const down = await api(a, cookie);
    expect(down.status).toBe(503);
    expect(down.headers.getSetCookie()).toEqual([]);
    const page = await handle(request('/dashboard', { headers: { cookie } }), a);
    expect(page.status).toBe(503);
    store.failing = false;
    expect((await api(a, cookie)).status).toBe(200);
  });
});

describe('idle timeout and absolute lifetime', () => {
  it.each([
    ['server mode', { ...SERVER, SESSION_IDLE_SECONDS: '600' }],
    ['cookie mode', { SESSION_IDLE_SECONDS: '600' }],
  ])('%s: used every 5 minutes it lives on; unused for 11 minutes it ends', async (_name, env) => {
    const { a, clock } = await stack(env as Record<string, string>, 3600_000);
    const cookie = await callEvery(a, clock, await login(a), 5 * 60_000, 4);
    clock.advance(11 * 60_000);
    expect((await api(a, cookie)).status).toBe(401);
  });

  it.each([
    ['server mode', { ...SERVER, SESSION_IDLE_SECONDS: '60' }],
    ['cookie mode', { UPSTASH_REDIS_REST_URL: 'http://store.test', UPSTASH_REDIS_REST_TOKEN: 't', RATE_LIMIT_ON_ERROR: 'open', SESSION_IDLE_SECONDS: '60' }],
  ])('%s: 6 s tokens, two instances, a request every 25 s for 3 minutes is never signed out (refreshes count as use); 70 s idle is', async (_name, env) => {
    const { a, b, clock } = await stack(env as Record<string, string>, 6_000);
    let cookie = await login(a);
    for (let i = 0; i < 7; i++) cookie = await callEvery(i % 2 ? a : b, clock, cookie, 25_000, 1);
    clock.advance(70_000);
    expect((await api(a, cookie)).status).toBe(401);
  });

  it('SESSION_MAX_AGE_SECONDS ends a session however often it is refreshed', async () => {
    const { a, clock } = await stack({ SESSION_MAX_AGE_SECONDS: '3600' }, 20 * 60_000);
    const cookie = await callEvery(a, clock, await login(a), 19 * 60_000, 3);
    clock.advance(5 * 60_000); // 62 minutes after sign-in
    expect((await api(a, cookie)).status).toBe(401);
  });
});

describe('cookie mode with a store: other sessions end through a per-user marker', () => {
  it('scope=others ends the user’s other sign-ins, not this one; without a store it is a clear 400', async () => {
    const { a, clock } = await stack({});
    const one = await login(a);
    clock.advance(1_000);
    const two = await login(a);
    expect((await auth(a, 'logout', two, { scope: 'others' })).status).toBe(200);
    expect((await api(a, one)).status).toBe(401);
    expect((await api(a, two)).status).toBe(200);
    const lonely = await runtime({ fetch: a.fetch });
    const res = await auth(lonely, 'logout', two, { scope: 'others' });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/needs a shared store/);
  });
});
